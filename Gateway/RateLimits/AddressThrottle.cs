namespace Gateway.RateLimits;

/// <summary>
/// The per-address bucket that failed or missing keys are charged to. A request with a valid key does not pay a Redis
/// call of its own for it: the rate-limit middleware checks the address in the same script call that draws from the
/// key's buckets, and refuses a throttled address with the very answer a wrong key gets, so a throttled client cannot
/// tell a right guess from a wrong one.
/// </summary>
public static class AddressThrottle
{
    public const string Title = "Too many requests";

    public const string Detail = "Too many requests without a valid API key from this address.";

    /// <summary>A draw on the caller's address bucket; cost 0 only asks whether one more failure would still pass.</summary>
    public static BucketDraw Draw(HttpContext context, RateLimitOptions options, long cost, bool force = false) =>
        new($"{{ip:{context.Connection.RemoteIpAddress}}}", options.UnauthenticatedPerIp, cost, force);

    /// <summary>
    /// 429 for a throttled address, with the address bucket's headers, counted and logged the same way whether the
    /// key was missing, wrong, right without the scope, or right.
    /// </summary>
    public static Task RefuseAsync(HttpContext context, RateDecision decision, RateLimitMetrics metrics, ILogger logger)
    {
        metrics.AuthenticationFailed("throttled");
        Log.AddressThrottled(logger, context.Connection.RemoteIpAddress?.ToString() ?? "unknown");
        RateLimitMiddleware.WriteHeaders(context.Response, decision);
        return GatewayProblems.WriteAsync(
            context, StatusCodes.Status429TooManyRequests, Title, Detail, TimeSpan.FromMilliseconds(decision.RetryAfterMilliseconds));
    }
}
