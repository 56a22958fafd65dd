namespace Gateway.RateLimits;

/// <summary>
/// The buckets failed requests are charged to. A request with a valid key is never charged or checked here: the
/// secrets are too long to guess, so this throttle bounds the load of failures, and a valid key from an address
/// shared with a misbehaving client (NAT, load balancer) must keep working. A failure against a listed key id is
/// charged to that address and key id only, so whoever knows a tenant's (not secret) key id uses up a bucket of
/// their own and not the tenant's, nor the address's; a request with no usable key id (missing, malformed, not
/// listed) is charged to the address. Each draw touches one bucket: one hash slot on a Redis Cluster.
/// </summary>
public static class AddressThrottle
{
    public const string Title = "Too many requests";

    public const string Detail = "Too many requests without a valid API key from this address.";

    /// <summary>
    /// A draw on the bucket of the caller's address, or of the address and <paramref name="keyId"/> when the failure
    /// was against a listed key id; cost 0 only asks whether one more failure would still pass.
    /// </summary>
    public static BucketDraw Draw(HttpContext context, RateLimitOptions options, long cost, bool force = false, string? keyId = null) =>
        new(
            keyId is null ? $"{{ip:{context.Connection.RemoteIpAddress}}}" : $"{{ip:{context.Connection.RemoteIpAddress}:key:{keyId}}}",
            options.UnauthenticatedPerIp,
            cost,
            force);

    /// <summary>429 for a throttled address (or address and key id), with that bucket's headers, counted and logged.</summary>
    public static Task RefuseAsync(HttpContext context, RateDecision decision, RateLimitMetrics metrics, ILogger logger)
    {
        metrics.AuthenticationFailed("throttled");
        Log.AddressThrottled(logger, context.Connection.RemoteIpAddress?.ToString() ?? "unknown");
        RateLimitMiddleware.WriteHeaders(context.Response, decision);
        return GatewayProblems.WriteAsync(
            context, StatusCodes.Status429TooManyRequests, Title, Detail, TimeSpan.FromMilliseconds(decision.RetryAfterMilliseconds));
    }
}
