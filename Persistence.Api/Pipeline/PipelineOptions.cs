using System.ComponentModel.DataAnnotations;

namespace Persistence.Api.Pipeline;

public sealed class PipelineOptions
{
    public const string SectionName = "Pipeline";

    /// <summary>How long <c>POST /flush</c> waits when the caller names no <c>timeout_ms</c>.</summary>
    [Range(1, 600_000)]
    public int DefaultFlushTimeoutMs { get; set; } = 30_000;

    /// <summary>The longest wait a caller may ask of the flush barrier.</summary>
    [Range(1, 3_600_000)]
    public int MaxFlushTimeoutMs { get; set; } = 300_000;

    /// <summary>How often the barrier looks at the consumer group while waiting.</summary>
    [Range(1, 10_000)]
    public int FlushPollIntervalMs { get; set; } = 20;
}
