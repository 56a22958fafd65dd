namespace Gateway.Hardening;

/// <summary>What one client may ask of the gateway, so slow or huge requests cannot tie up the replicas.</summary>
public sealed class RequestLimitOptions
{
    public const string SectionName = "RequestLimits";

    /// <summary>The largest body accepted; the API's own batch limit is 16 MiB.</summary>
    public long MaxRequestBodyBytes { get; set; } = 16 * 1024 * 1024;

    public int MaxRequestHeaderCount { get; set; } = 64;

    public int MaxRequestHeadersTotalBytes { get; set; } = 32 * 1024;

    /// <summary>Time to send all headers: a client dribbling them (slowloris) is cut off.</summary>
    public int RequestHeadersTimeoutSeconds { get; set; } = 15;

    /// <summary>Slowest body upload tolerated after a 5 s grace period.</summary>
    public int MinRequestBodyBytesPerSecond { get; set; } = 4096;

    public int KeepAliveTimeoutSeconds { get; set; } = 120;

    /// <summary>
    /// Requests with a body one key may have in flight at one gateway instance; more get 429. Each may hold up to
    /// <see cref="MaxRequestBodyBytes"/> in memory or in the spool until its response ends.
    /// </summary>
    public int MaxConcurrentBodiesPerKey { get; set; } = 64;

    public IEnumerable<string> Problems()
    {
        (string Name, long Value, long Min, long Max)[] limits =
        [
            (nameof(MaxRequestBodyBytes), MaxRequestBodyBytes, 1, int.MaxValue / 2),
            (nameof(MaxRequestHeaderCount), MaxRequestHeaderCount, 1, int.MaxValue),
            (nameof(MaxRequestHeadersTotalBytes), MaxRequestHeadersTotalBytes, 1024, int.MaxValue),
            (nameof(RequestHeadersTimeoutSeconds), RequestHeadersTimeoutSeconds, 1, int.MaxValue),
            (nameof(MinRequestBodyBytesPerSecond), MinRequestBodyBytesPerSecond, 0, int.MaxValue),
            (nameof(KeepAliveTimeoutSeconds), KeepAliveTimeoutSeconds, 1, int.MaxValue),
            (nameof(MaxConcurrentBodiesPerKey), MaxConcurrentBodiesPerKey, 1, int.MaxValue),
        ];
        return limits
            .Where(l => l.Value < l.Min || l.Value > l.Max)
            .Select(l => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{SectionName}:{l.Name} must be between {l.Min} and {l.Max} (got {l.Value})."));
    }
}
