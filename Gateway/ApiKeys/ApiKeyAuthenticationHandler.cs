using System.Security.Claims;
using System.Text.Encodings.Web;
using Gateway.RateLimits;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace Gateway.ApiKeys;

/// <summary>
/// Authenticates <c>X-API-Key</c> or <c>Authorization: Bearer</c>. Every failure (missing, unknown, revoked, expired)
/// is charged to the client's address; once that bucket is empty the address gets 429 before its keys are even
/// checked, so guessing keys is throttled by every gateway instance together.
/// </summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory loggerFactory,
    UrlEncoder encoder,
    ApiKeyStore keys,
    RedisTokenBuckets buckets,
    IOptionsMonitor<RateLimitOptions> rateLimits,
    RateLimitMetrics metrics,
    TimeProvider timeProvider)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, loggerFactory, encoder)
{
    // Its own category, so the framework's per-request handler chatter can be silenced without silencing ours.
    private readonly ILogger _log = loggerFactory.CreateLogger("Gateway.ApiKeys");

    public const string SchemeName = "ApiKey";
    public const string HeaderName = "X-API-Key";

    private const string Challenge = $"{SchemeName} realm=\"persistence\", header=\"{HeaderName}\", Bearer realm=\"persistence\"";

    private KeyCheck? _failure;
    private bool _throttled;

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!TryGetPresentedKey(Request, out var presented))
        {
            return AuthenticateResult.NoResult();
        }

        if (rateLimits.CurrentValue.Enabled)
        {
            var peek = await buckets.DrawAsync([IpDraw(cost: 0)], Context.RequestAborted);
            if (!peek.Allowed && !peek.LimiterUnavailable)
            {
                _throttled = true;
                return AuthenticateResult.Fail("Too many failed keys from this address.");
            }
        }

        var check = keys.Check(presented, timeProvider.GetUtcNow(), out var key);
        if (check != KeyCheck.Valid)
        {
            _failure = check;
            return AuthenticateResult.Fail($"The API key is {check.ToString().ToLowerInvariant()}.");
        }

        Context.SetAuthenticatedKey(key!);
        var identity = new ClaimsIdentity(
            [new(ClaimTypes.NameIdentifier, key!.Id), new(ClaimTypes.Name, key.Name), .. key.Scopes.Select(s => new Claim(Scopes.ClaimType, s))],
            SchemeName);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var reason = _failure?.ToString().ToLowerInvariant() ?? "missing";
        metrics.AuthenticationFailed(_throttled ? "throttled" : reason);
        RateDecision? decision = null;
        if (rateLimits.CurrentValue.Enabled)
        {
            // Charged even when already refused, so an address must actually back off before it may try again.
            var charge = await buckets.DrawAsync([IpDraw(1, force: true)], Context.RequestAborted);
            decision = _throttled || !(charge.Allowed || charge.LimiterUnavailable) ? charge : null;
        }

        if (decision is not null)
        {
            Log.AddressThrottled(_log, Context.Connection.RemoteIpAddress?.ToString() ?? "unknown");
            RateLimitMiddleware.WriteHeaders(Response, decision);
            await GatewayProblems.WriteAsync(
                Context, StatusCodes.Status429TooManyRequests, "Too many requests",
                "Too many requests without a valid API key from this address.", TimeSpan.FromMilliseconds(decision.RetryAfterMilliseconds));
            return;
        }

        Log.KeyRefused(_log, reason, Context.Connection.RemoteIpAddress?.ToString() ?? "unknown", Request.Path);
        Response.Headers.WWWAuthenticate = Challenge;
        await GatewayProblems.WriteAsync(
            Context, StatusCodes.Status401Unauthorized, "Unauthorized",
            _failure is null
                ? $"Send an API key in the {HeaderName} header or as Authorization: Bearer <key>."
                : "The API key is not valid.");
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        GatewayProblems.WriteAsync(
            Context, StatusCodes.Status403Forbidden, "Forbidden",
            $"The API key '{Context.AuthenticatedKey()?.Id}' lacks the scope this endpoint needs.");

    private static bool TryGetPresentedKey(HttpRequest request, out string presented)
    {
        presented = request.Headers[HeaderName].ToString();
        if (presented.Length > 0)
        {
            return true;
        }

        var authorization = request.Headers[HeaderNames.Authorization].ToString();
        const string Bearer = "Bearer ";
        if (authorization.StartsWith(Bearer, StringComparison.OrdinalIgnoreCase))
        {
            presented = authorization[Bearer.Length..].Trim();
        }

        return presented.Length > 0;
    }

    private BucketDraw IpDraw(long cost, bool force = false) =>
        new($"{{ip:{Context.Connection.RemoteIpAddress}}}", rateLimits.CurrentValue.UnauthenticatedPerIp, cost, force);
}
