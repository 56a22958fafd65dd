using System.Collections.Frozen;
using System.Security.Claims;
using Gateway.ApiKeys;
using Gateway.RateLimits;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;
using Persistence.Contracts;

namespace Gateway.Jwt;

/// <summary>
/// What a validated token grants, and how a refused one is answered. A token becomes the same caller an API key does
/// (<see cref="AuthenticatedKeyExtensions.AuthenticatedKey"/>): its client id is the rate-limit identity and the caller
/// the replicas record, its <c>scope</c> claim the scopes the routes ask for. Refusals are problem+json like the API
/// key's, and charged to the same failure throttle.
/// </summary>
public sealed class BearerTokenEvents(
    IOptions<JwtOptions> options,
    RedisTokenBuckets buckets,
    IOptionsMonitor<RateLimitOptions> rateLimits,
    RateLimitMetrics metrics,
    ILoggerFactory loggerFactory) : JwtBearerEvents
{
    /// <summary>Prefix of a token client's identity, so a client id never shares buckets or audit entries with an API key id.</summary>
    public const string CallerPrefix = "jwt:";

    private const int MaxClientIdLength = 128;

    private readonly ILogger _log = loggerFactory.CreateLogger("Gateway.Jwt");

    public override Task TokenValidated(TokenValidatedContext context)
    {
        var token = context.Principal!;
        var clientId = token.FindFirst(options.Value.ClientIdClaim)?.Value;
        if (!IsUsableClientId(clientId))
        {
            context.Fail($"The token names no usable client in its '{options.Value.ClientIdClaim}' claim.");
            return Task.CompletedTask;
        }

        // RFC 9068: one space-separated string; some issuers send an array, which arrives as one claim per item.
        var scopes = token.FindAll(Scopes.ClaimType)
            .SelectMany(c => c.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(Scopes.All.Contains)
            .ToHashSet(StringComparer.Ordinal);
        var caller = new ApiKey(
            CallerPrefix + clientId, clientId!, [], [], scopes.ToFrozenSet(StringComparer.Ordinal), Revoked: false,
            context.SecurityToken.ValidTo, Requests: null, Records: null);
        context.HttpContext.SetAuthenticatedKey(caller);

        // Only what the routes check: the token's other claims stay at the door with the token.
        context.Principal = new ClaimsPrincipal(new ClaimsIdentity(
            [new(ClaimTypes.NameIdentifier, caller.Id), new(ClaimTypes.Name, clientId!), .. scopes.Select(s => new Claim(Scopes.ClaimType, s))],
            context.Scheme.Name));
        return Task.CompletedTask;
    }

    public override async Task Challenge(JwtBearerChallengeContext context)
    {
        context.HandleResponse();
        var http = context.HttpContext;
        if (await RefusedAsThrottledAsync(http))
        {
            return;
        }

        var reason = context.AuthenticateFailure?.Message ?? "no token";
        metrics.AuthenticationFailed("invalid_token");
        Log.TokenRefused(_log, http.Connection.RemoteIpAddress?.ToString() ?? "unknown", http.Request.Path, reason);
        http.Response.Headers.WWWAuthenticate = "Bearer realm=\"persistence\", error=\"invalid_token\"";
        await GatewayProblems.WriteAsync(
            http, StatusCodes.Status401Unauthorized, "Unauthorized",
            string.IsNullOrEmpty(context.ErrorDescription) ? "The bearer token is not valid." : $"The bearer token is not valid: {context.ErrorDescription}");
    }

    public override Task Forbidden(ForbiddenContext context) =>
        GatewayProblems.WriteAsync(
            context.HttpContext, StatusCodes.Status403Forbidden, "Forbidden",
            $"The token of client '{context.HttpContext.AuthenticatedKey()?.Name}' lacks the scope this endpoint needs.");

    private async Task<bool> RefusedAsThrottledAsync(HttpContext http)
    {
        var settings = rateLimits.CurrentValue;
        if (!settings.Enabled)
        {
            return false;
        }

        var decision = await buckets.DrawAsync([AddressThrottle.Draw(http, settings, cost: 1, force: true)], http.RequestAborted);
        if (decision.Allowed || decision.LimiterUnavailable)
        {
            return false;
        }

        await AddressThrottle.RefuseAsync(http, decision, metrics, _log);
        return true;
    }

    // The identity becomes part of Redis keys ({key:...}) and of the replicas' audit trail.
    private static bool IsUsableClientId(string? clientId) =>
        clientId is { Length: > 0 and <= MaxClientIdLength } && clientId.All(c => c is > ' ' and < (char)127 and not ('{' or '}'));
}
