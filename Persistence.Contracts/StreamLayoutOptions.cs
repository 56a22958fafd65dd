using System.ComponentModel.DataAnnotations;

namespace Persistence.Contracts;

/// <summary>Settings both the API and the worker read from <c>Streams</c>.</summary>
public sealed class StreamLayoutOptions
{
    public const string SectionName = "Streams";

    /// <summary>
    /// The shard count a new deployment starts with. Only the first process to start records it; afterwards the
    /// layout in Redis decides, and only the worker's <c>reshard</c> command changes it.
    /// </summary>
    [Range(1, StreamShards.MaxCount)]
    public int Shards { get; set; } = StreamShards.DefaultCount;

    /// <summary>How often each process looks at the layout; a switch waits for every API replica to have seen it.</summary>
    [Range(50, 60_000)]
    public int LayoutPollIntervalMs { get; set; } = 1000;
}
