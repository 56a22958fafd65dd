using System.ComponentModel.DataAnnotations;

namespace Persistence.Api.Backpressure;

/// <summary>
/// When to stop taking batches: the un-flushed backlog (entries not yet delivered plus delivered but not committed,
/// over all streams) or Redis memory passed its high-water mark. Accepting resumes below the low-water mark, so the
/// API does not flap at the boundary.
/// </summary>
public sealed class BackpressureOptions
{
    public const string SectionName = "Backpressure";

    [Range(1, long.MaxValue)]
    public long HighWaterEntries { get; set; } = 2_000_000;

    [Range(0, long.MaxValue)]
    public long LowWaterEntries { get; set; } = 1_500_000;

    /// <summary>Share of Redis <c>maxmemory</c> in use that counts as full (when a maxmemory is set).</summary>
    [Range(0.1, 1.0)]
    public double HighWaterMemoryRatio { get; set; } = 0.85;

    [Range(0.05, 1.0)]
    public double LowWaterMemoryRatio { get; set; } = 0.75;

    /// <summary>How often the backlog is measured; the mark may be overshot by what arrives in one interval.</summary>
    [Range(20, 10_000)]
    public int RefreshIntervalMs { get; set; } = 250;

    public bool Valid => LowWaterEntries < HighWaterEntries && LowWaterMemoryRatio < HighWaterMemoryRatio;
}
