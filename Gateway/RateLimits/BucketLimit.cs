using System.Globalization;

namespace Gateway.RateLimits;

/// <summary>A token bucket: refills at <see cref="PerSecond"/>, holds at most <see cref="Burst"/>.</summary>
public sealed class BucketLimit
{
    public double PerSecond { get; set; }

    public long Burst { get; set; }

    /// <summary>Seconds an empty bucket takes to fill: the window the <c>RateLimit-Policy</c> header names.</summary>
    public long WindowSeconds => (long)Math.Ceiling(Burst / PerSecond);

    public string? Validate(string name) =>
        PerSecond > 0 && Burst >= 1
            ? null
            : string.Create(CultureInfo.InvariantCulture, $"{name} needs PerSecond > 0 and Burst >= 1 (got {PerSecond} and {Burst}).");
}
