using System.Net;
using System.Net.Sockets;

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
    public static BucketDraw Draw(HttpContext context, RateLimitOptions options, long cost, bool force = false, string? keyId = null)
    {
        var client = ClientNetwork(context.Connection.RemoteIpAddress);
        return new(keyId is null ? $"{{ip:{client}}}" : $"{{ip:{client}:key:{keyId}}}", options.UnauthenticatedPerIp, cost, force);
    }

    /// <summary>
    /// A draw on the bucket of the caller's address for a request to an anonymous route (no key presented): the
    /// OpenAPI document and the reference cost the replicas real work, and anyone may ask for them.
    /// </summary>
    public static BucketDraw DrawAnonymous(HttpContext context, RateLimitOptions options) =>
        new($"{{ip:{ClientNetwork(context.Connection.RemoteIpAddress)}}}:anonymous", options.AnonymousPerIp, 1);

    /// <summary>
    /// What a client is throttled by: its IPv4 address, or the /64 network of its IPv6 address, since one IPv6
    /// subscriber is usually given a whole /64 and could pick a fresh address, and so a fresh bucket, per request.
    /// </summary>
    public static string ClientNetwork(IPAddress? address)
    {
        if (address is null)
        {
            return "unknown";
        }

        if (address.IsIPv4MappedToIPv6)
        {
            return address.MapToIPv4().ToString();
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return address.ToString();
        }

        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out _);
        bytes[8..].Clear();
        return new IPAddress(bytes).ToString() + "/64";
    }

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
