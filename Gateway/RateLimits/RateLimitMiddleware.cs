using System.Globalization;
using Gateway.ApiKeys;
using Gateway.Hardening;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using Persistence.Contracts;
using Yarp.ReverseProxy.Model;

namespace Gateway.RateLimits;

/// <summary>
/// Draws every proxied request from its key's request bucket, and a batch also from the key's record bucket, in one
/// atomic step shared by all gateway instances. Runs after authorization, so only known keys get buckets. A key's
/// buckets share the hash tag <c>{key:id}</c>, so each call stays in one slot of a Redis Cluster; the failure
/// buckets of <see cref="AddressThrottle"/> are never part of a valid key's call.
/// </summary>
public sealed class RateLimitMiddleware(
    RedisTokenBuckets buckets,
    BodySlots bodySlots,
    IOptionsMonitor<RateLimitOptions> options,
    IOptionsMonitor<RequestLimitOptions> requestLimits,
    RateLimitMetrics metrics,
    ILogger<RateLimitMiddleware> logger) : IMiddleware
{
    /// <summary>Route metadata naming what a request costs beyond one request; <c>records</c> for batch routes.</summary>
    public const string CostMetadata = "RateLimitCost";

    public const string RecordsCost = "records";

    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        var settings = options.CurrentValue;
        if (!settings.Enabled)
        {
            await next(context);
            return;
        }

        if (context.AuthenticatedKey() is not { } key)
        {
            // Only anonymous routes get here without a key; they are metered by address instead.
            var anonymous = await buckets.DrawAsync([AddressThrottle.DrawAnonymous(context, settings)], context.RequestAborted);
            if (!anonymous.Allowed)
            {
                await RefuseAnonymousAsync(context, anonymous);
                return;
            }

            metrics.Decided("anonymous", allowed: true);
            await next(context);
            return;
        }

        if (HasBody(context))
        {
            // Held until the response ends: that long the body sits in memory (or the spool) here.
            var maxBodies = requestLimits.CurrentValue.MaxConcurrentBodiesPerKey;
            if (bodySlots.TryTake(key.Id, maxBodies) is not { } slot)
            {
                metrics.Decided("bodies", allowed: false);
                await GatewayProblems.WriteAsync(
                    context, StatusCodes.Status429TooManyRequests, "Too many uploads",
                    $"Key '{key.Id}' already has {maxBodies} requests with a body in flight at this gateway; wait for one to finish.",
                    TimeSpan.FromSeconds(1));
                return;
            }

            context.Response.RegisterForDispose(slot);
        }

        var requests = new BucketDraw($"{{key:{key.Id}}}:requests", key.Requests ?? settings.Requests, 1);
        List<BucketDraw> draws = [requests];
        if (IsChargedByRecords(context))
        {
            var recordsLimit = key.Records ?? settings.Records;
            if (AsksBeforeReading(context.Request))
            {
                // A key already over a limit is answered before its body is read (nor is 100 Continue sent for it).
                var ahead = await buckets.DrawAsync(
                    [requests with { Cost = 0 }, new($"{{key:{key.Id}}}:records", recordsLimit, 0)], context.RequestAborted);
                if (!ahead.Allowed)
                {
                    await RefuseAsync(context, key, RecordsCost, ahead);
                    return;
                }
            }

            var maxBytes = requestLimits.CurrentValue.MaxRequestBodyBytes;
            BatchBodyReading? reading;
            try
            {
                reading = await RecordCounter.ReadAndRewindAsync(context.Request, maxBytes, context.RequestAborted);
            }
            catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
            {
                reading = null;
            }

            if (reading is not { } body)
            {
                await RequestLimitMiddleware.RefuseTooLargeAsync(context, maxBytes);
                return;
            }

            if (RecordCounter.Refusal(body) is { } refusal)
            {
                // Still one request: refusing bodies must not be free.
                var charged = await buckets.DrawAsync([requests], context.RequestAborted);
                if (charged.Allowed)
                {
                    await GatewayProblems.WriteInvalidAsync(context, refusal.Field, refusal.Index, refusal.Message);
                }
                else
                {
                    await RefuseAsync(context, key, RecordsCost, charged);
                }

                return;
            }

            var records = RecordCounter.Charge(body);
            if (records > recordsLimit.Burst)
            {
                // A bucket never holds more than its burst: such a batch could only pass by letting the key run
                // ahead of its rate, so it is refused for good with the largest batch that can pass.
                var charged = await buckets.DrawAsync([requests], context.RequestAborted);
                if (charged.Allowed)
                {
                    Log.BatchOverBurst(logger, records, key.Id, recordsLimit.Burst);
                    await GatewayProblems.WriteBatchTooLargeAsync(context, key.Id, records, recordsLimit.Burst);
                }
                else
                {
                    await RefuseAsync(context, key, RecordsCost, charged);
                }

                return;
            }

            draws.Add(new($"{{key:{key.Id}}}:records", recordsLimit, records));
        }

        var kind = draws.Count > 1 ? RecordsCost : "requests";
        var decision = await buckets.DrawAsync(draws, context.RequestAborted);
        if (!decision.Allowed)
        {
            await RefuseAsync(context, key, kind, decision);
            return;
        }

        metrics.Decided(kind, allowed: true);
        WriteHeaders(context.Response, decision);
        await next(context);
    }

    private async Task RefuseAnonymousAsync(HttpContext context, RateDecision decision)
    {
        if (decision.LimiterUnavailable)
        {
            await WriteLimiterUnavailableAsync(context, decision);
            return;
        }

        metrics.Decided("anonymous", allowed: false);
        Log.AnonymousRateLimited(logger, AddressThrottle.ClientNetwork(context.Connection.RemoteIpAddress));
        WriteHeaders(context.Response, decision);
        await GatewayProblems.WriteAsync(
            context, StatusCodes.Status429TooManyRequests, "Too many requests",
            "Too many requests without an API key from this address; retry after the time in Retry-After.",
            TimeSpan.FromMilliseconds(decision.RetryAfterMilliseconds));
    }

    private static Task WriteLimiterUnavailableAsync(HttpContext context, RateDecision decision) =>
        GatewayProblems.WriteAsync(
            context, StatusCodes.Status503ServiceUnavailable, "Rate limiter unavailable",
            "The rate limiter cannot be reached and is configured to refuse unmetered requests.", TimeSpan.FromMilliseconds(decision.RetryAfterMilliseconds));

    private async Task RefuseAsync(HttpContext context, ApiKey key, string kind, RateDecision decision)
    {
        if (decision.LimiterUnavailable)
        {
            await WriteLimiterUnavailableAsync(context, decision);
            return;
        }

        metrics.Decided(kind, allowed: false);
        Log.KeyRateLimited(logger, key.Id, kind);
        WriteHeaders(context.Response, decision);
        await GatewayProblems.WriteAsync(
            context, StatusCodes.Status429TooManyRequests, "Too many requests",
            $"The rate limit of key '{key.Id}' is used up; retry after the time in Retry-After.",
            TimeSpan.FromMilliseconds(decision.RetryAfterMilliseconds));
    }

    /// <summary>
    /// <c>RateLimit-*</c> headers (IETF httpapi rate-limit draft) for the bucket closest to empty, so a client that
    /// paces itself by them stays under every limit.
    /// </summary>
    public static void WriteHeaders(HttpResponse response, RateDecision decision)
    {
        if (decision.Buckets.Count == 0)
        {
            return;
        }

        var tightest = decision.Buckets.MinBy(b => (double)b.Remaining / b.Limit.Burst);
        var headers = response.Headers;
        headers["RateLimit-Limit"] = tightest.Limit.Burst.ToString(CultureInfo.InvariantCulture);
        headers["RateLimit-Remaining"] = Math.Max(0, tightest.Remaining).ToString(CultureInfo.InvariantCulture);
        headers["RateLimit-Reset"] = ((long)Math.Ceiling(tightest.MillisecondsUntilFull / 1000.0)).ToString(CultureInfo.InvariantCulture);
        headers["RateLimit-Policy"] = string.Join(
            ", ", decision.Buckets.Select(b => string.Create(CultureInfo.InvariantCulture, $"{b.Limit.Burst};w={b.Limit.WindowSeconds}")));
    }

    /// <summary>
    /// Whether to ask the buckets before reading the body: for a body that waits on 100 Continue, or one that is
    /// large or of unknown length. A small declared body has as good as arrived with its headers; reading it first
    /// and deciding in one Redis call (the draw takes all or nothing) saves a round trip on most requests, and a
    /// refused key costs the gateway at most <see cref="SmallBodyBytes"/> of reading.
    /// </summary>
    public static bool AsksBeforeReading(HttpRequest request) =>
        request.ContentLength is not (>= 0 and <= SmallBodyBytes)
        || request.Headers.Expect.ToString().Contains("100-continue", StringComparison.OrdinalIgnoreCase);

    /// <summary>Bodies up to this size (declared) are read before the buckets are asked; see <see cref="AsksBeforeReading"/>.</summary>
    public const long SmallBodyBytes = 64 * 1024;

    /// <summary>
    /// Whether the request carries a body: a GET without one (a read, a restore streaming for minutes) holds no upload
    /// slot, so a key's reads never keep its uploads out.
    /// </summary>
    public static bool HasBody(HttpContext context) =>
        context.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody ?? context.Request.ContentLength is not 0;

    private static bool IsChargedByRecords(HttpContext context) =>
        context.GetRouteModel().Config.Metadata?.TryGetValue(CostMetadata, out var cost) == true
        && string.Equals(cost, RecordsCost, StringComparison.OrdinalIgnoreCase);
}
