namespace Gateway.RateLimits;

/// <summary>What happens to a request when Redis, which holds the shared buckets, does not answer.</summary>
public enum RateLimitFailureMode
{
    /// <summary>Let it through unlimited (logged and counted): a limiter outage must not stop ingest.</summary>
    Open,

    /// <summary>Refuse it with 503 and Retry-After: nothing unmetered gets through.</summary>
    Closed,
}

public sealed class RateLimitOptions
{
    public const string SectionName = "RateLimits";

    public bool Enabled { get; set; } = true;

    /// <summary>Requests per key, unless the key sets its own.</summary>
    public BucketLimit Requests { get; set; } = new() { PerSecond = 100, Burst = 200 };

    /// <summary>Records per key on the batch routes (a 5,000-record batch costs 5,000), unless the key sets its own.</summary>
    public BucketLimit Records { get; set; } = new() { PerSecond = 50_000, Burst = 100_000 };

    /// <summary>
    /// Failed requests per client address (missing, malformed or unlisted key), and separately per address and key id
    /// (wrong secret, revoked, expired), to bound the load of failures. Valid keys are never charged.
    /// </summary>
    public BucketLimit UnauthenticatedPerIp { get; set; } = new() { PerSecond = 1, Burst = 20 };

    /// <summary>
    /// Requests without a key to the anonymous routes (the OpenAPI document, the reference) per client address (the
    /// /64 of an IPv6 address), at every gateway instance together.
    /// </summary>
    public BucketLimit AnonymousPerIp { get; set; } = new() { PerSecond = 5, Burst = 100 };

    public RateLimitFailureMode FailureMode { get; set; } = RateLimitFailureMode.Open;

    /// <summary>How long a bucket check may wait on Redis before <see cref="FailureMode"/> applies.</summary>
    public int RedisTimeoutMs { get; set; } = 250;

    /// <summary>
    /// Prefix of the bucket keys in Redis, shared by every gateway instance. No braces: the buckets' hash tags follow
    /// it, and a brace in the prefix would put every bucket in one slot of a cluster (or split a key's buckets).
    /// </summary>
    public string KeyPrefix { get; set; } = "gateway:ratelimit:";

    public IEnumerable<string> Problems()
    {
        string?[] found =
        [
            Requests.Validate($"{SectionName}:{nameof(Requests)}"),
            Records.Validate($"{SectionName}:{nameof(Records)}"),
            UnauthenticatedPerIp.Validate($"{SectionName}:{nameof(UnauthenticatedPerIp)}"),
            AnonymousPerIp.Validate($"{SectionName}:{nameof(AnonymousPerIp)}"),
            RedisTimeoutMs is > 0 and <= 10_000 ? null : $"{SectionName}:RedisTimeoutMs must be between 1 and 10000 (got {RedisTimeoutMs}).",
            KeyPrefix.AsSpan().IndexOfAny('{', '}') < 0 ? null : $"{SectionName}:KeyPrefix must not contain '{{' or '}}' (got '{KeyPrefix}').",
        ];
        return found.OfType<string>();
    }
}
