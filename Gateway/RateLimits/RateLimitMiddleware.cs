using System.Globalization;
using Gateway.ApiKeys;
using Gateway.Hardening;
using Microsoft.Extensions.Options;
using Yarp.ReverseProxy.Model;

namespace Gateway.RateLimits;

/// <summary>
/// Draws every proxied request from its key's request bucket, and a batch also from the key's record bucket, in one
/// atomic step shared by all gateway instances. Runs after authorization, so only known keys get buckets. The same
/// script call checks the caller's address bucket (<see cref="AddressThrottle"/>): one Redis round trip per request.
/// </summary>
public sealed class RateLimitMiddleware(
    RedisTokenBuckets buckets,
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
        if (!settings.Enabled || context.AuthenticatedKey() is not { } key)
        {
            await next(context);
            return;
        }

        List<BucketDraw> draws = [new($"{{key:{key.Id}}}:requests", key.Requests ?? settings.Requests, 1)];
        if (IsChargedByRecords(context))
        {
            var maxBytes = requestLimits.CurrentValue.MaxRequestBodyBytes;
            long? records;
            try
            {
                records = await RecordCounter.CountAndRewindAsync(context.Request, maxBytes, context.RequestAborted);
            }
            catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
            {
                records = null;
            }

            if (records is not { } count)
            {
                await RequestLimitMiddleware.RefuseTooLargeAsync(context, maxBytes);
                return;
            }

            draws.Add(new($"{{key:{key.Id}}}:records", key.Records ?? settings.Records, count));
        }

        var kind = draws.Count > 1 ? RecordsCost : "requests";
        var keyBuckets = draws.Count;
        draws.Add(AddressThrottle.Draw(context, settings, 0));
        var decision = await buckets.DrawAsync(draws, context.RequestAborted);
        if (!decision.Allowed && !decision.LimiterUnavailable && decision.Buckets[keyBuckets].Remaining < 1)
        {
            // The address is throttled for failed keys: answered exactly as a wrong key would be.
            await AddressThrottle.RefuseAsync(context, decision with { Buckets = [decision.Buckets[keyBuckets]] }, metrics, logger);
            return;
        }

        // The address bucket is not this key's limit; the headers describe the key's buckets only.
        decision = decision.Buckets.Count > keyBuckets ? decision with { Buckets = [.. decision.Buckets.Take(keyBuckets)] } : decision;
        metrics.Decided(kind, decision.Allowed);
        if (decision.LimiterUnavailable && !decision.Allowed)
        {
            await GatewayProblems.WriteAsync(
                context, StatusCodes.Status503ServiceUnavailable, "Rate limiter unavailable",
                "The rate limiter cannot be reached and is configured to refuse unmetered requests.", TimeSpan.FromMilliseconds(decision.RetryAfterMilliseconds));
            return;
        }

        WriteHeaders(context.Response, decision);
        if (!decision.Allowed)
        {
            await GatewayProblems.WriteAsync(
                context, StatusCodes.Status429TooManyRequests, "Too many requests",
                $"The rate limit of key '{key.Id}' is used up; retry after the time in Retry-After.",
                TimeSpan.FromMilliseconds(decision.RetryAfterMilliseconds));
            return;
        }

        await next(context);
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

    private static bool IsChargedByRecords(HttpContext context) =>
        context.GetRouteModel().Config.Metadata?.TryGetValue(CostMetadata, out var cost) == true
        && string.Equals(cost, RecordsCost, StringComparison.OrdinalIgnoreCase);
}
