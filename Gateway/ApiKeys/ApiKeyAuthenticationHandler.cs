using System.Security.Claims;
using System.Text.Encodings.Web;
using Gateway.RateLimits;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using Persistence.Contracts;

namespace Gateway.ApiKeys;

/// <summary>
/// Authenticates <c>X-API-Key</c> or <c>Authorization: Bearer</c>. Every failure (missing, unknown, wrong secret,
/// revoked, expired) is charged to a bucket of <see cref="AddressThrottle"/>; once it is empty those failures get 429,
/// throttled by every gateway instance together. A valid key costs no Redis call here and is never refused for
/// failures, its own or anyone else's.
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

    // Set when the failure was against a listed key id, whose failures have a bucket of their own per address.
    private string? _failedKeyId;

    protected override Task<AuthenticateResult> HandleAuthenticateAsync() => Task.FromResult(CheckPresentedKey());

    private AuthenticateResult CheckPresentedKey()
    {
        if (!TryGetPresentedKey(Request, out var presented))
        {
            return AuthenticateResult.NoResult();
        }

        var check = keys.Check(presented, timeProvider.GetUtcNow(), out var key);
        if (check != KeyCheck.Valid)
        {
            _failure = check;
            if (check is KeyCheck.WrongSecret or KeyCheck.Revoked or KeyCheck.Expired && ApiKeySecrets.TryParse(presented, out var id, out _))
            {
                _failedKeyId = id;
            }

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
        // Charged even when already refused, so a client must actually back off before it may fail again.
        if (await RefusedAsThrottledAsync())
        {
            return;
        }

        var reason = _failure?.ToString().ToLowerInvariant() ?? "missing";
        metrics.AuthenticationFailed(reason);
        Log.KeyRefused(_log, reason, Context.Connection.RemoteIpAddress?.ToString() ?? "unknown", Request.Path);
        Response.Headers.WWWAuthenticate = Challenge;
        await GatewayProblems.WriteAsync(
            Context, StatusCodes.Status401Unauthorized, "Unauthorized",
            _failure is null
                ? $"Send an API key in the {HeaderName} header or as Authorization: Bearer <key>."
                : "The API key is not valid.");
    }

    protected override async Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        // A refusal costs the key one request like any other, so a valid key cannot ask for 403s without limit.
        var settings = rateLimits.CurrentValue;
        if (settings.Enabled && Context.AuthenticatedKey() is { } key)
        {
            var decision = await buckets.DrawAsync(
                [new BucketDraw($"{{key:{key.Id}}}:requests", key.Requests ?? settings.Requests, 1)], Context.RequestAborted);
            if (!decision.Allowed && !decision.LimiterUnavailable)
            {
                metrics.Decided("requests", allowed: false);
                RateLimitMiddleware.WriteHeaders(Response, decision);
                await GatewayProblems.WriteAsync(
                    Context, StatusCodes.Status429TooManyRequests, "Too many requests",
                    $"The rate limit of key '{key.Id}' is used up; retry after the time in Retry-After.",
                    TimeSpan.FromMilliseconds(decision.RetryAfterMilliseconds));
                return;
            }
        }

        await GatewayProblems.WriteAsync(
            Context, StatusCodes.Status403Forbidden, "Forbidden",
            $"The API key '{Context.AuthenticatedKey()?.Id}' lacks the scope this endpoint needs.");
    }

    /// <summary>Charges this failure to its bucket and, if that is empty, answers 429.</summary>
    private async Task<bool> RefusedAsThrottledAsync()
    {
        var settings = rateLimits.CurrentValue;
        if (!settings.Enabled)
        {
            return false;
        }

        var decision = await buckets.DrawAsync(
            [AddressThrottle.Draw(Context, settings, cost: 1, force: true, keyId: _failedKeyId)], Context.RequestAborted);
        if (decision.Allowed || decision.LimiterUnavailable)
        {
            return false;
        }

        await AddressThrottle.RefuseAsync(Context, decision, metrics, _log);
        return true;
    }

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
}
