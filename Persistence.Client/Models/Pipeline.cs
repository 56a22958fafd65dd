namespace Persistence.Client.Models;

/// <summary>The flush barrier passed: every record accepted before the call is committed to MySQL or dead-lettered.</summary>
public sealed class FlushResult
{
    /// <summary>Always <c>flushed</c>.</summary>
    public string Status { get; init; } = "";

    /// <summary>How long the server waited.</summary>
    public long WaitedMs { get; init; }

    /// <summary>Per stream, the target id and where the workers were.</summary>
    public IReadOnlyDictionary<string, FlushStreamState> Streams { get; init; } = new Dictionary<string, FlushStreamState>();

    /// <summary>
    /// Records set aside as dead letters while the flush waited: the barrier counts them as done, though they are not
    /// in the database.
    /// </summary>
    public long DeadLettered { get; init; }

    /// <summary>Every dead letter waiting for an operator (replay or delete), whenever it was set aside.</summary>
    public long DeadLettersStored { get; init; }
}

/// <summary>One stream at the flush barrier.</summary>
public sealed class FlushStreamState
{
    /// <summary>The stream's last generated id when the flush began.</summary>
    public string Target { get; init; } = "";

    /// <summary>The consumer group's delivery position.</summary>
    public string LastDeliveredId { get; init; } = "";

    /// <summary>Entries delivered and not yet committed.</summary>
    public long Pending { get; init; }

    /// <summary>Entries not yet delivered.</summary>
    public long? Lag { get; init; }
}

/// <summary>The pipeline's counters (<c>GET /api/v1/persistence/stats</c>).</summary>
public sealed class PipelineStats
{
    /// <summary>Each data stream.</summary>
    public IReadOnlyList<StreamStats> Streams { get; init; } = [];

    /// <summary>The dead-letter stream.</summary>
    public DeadLetterStats DeadLetters { get; init; } = new();

    /// <summary>The answering replica's backpressure.</summary>
    public BackpressureStats Backpressure { get; init; } = new();
}

/// <summary>One data stream's state and counters.</summary>
public sealed class StreamStats
{
    /// <summary>The stream's key.</summary>
    public string Stream { get; init; } = "";

    /// <summary>Entries in the stream.</summary>
    public long Length { get; init; }

    /// <summary>Delivered, not yet committed.</summary>
    public long Pending { get; init; }

    /// <summary>Not yet delivered.</summary>
    public long? Lag { get; init; }

    /// <summary>Consumers in the group.</summary>
    public int Consumers { get; init; }

    /// <summary>The newest entry's id.</summary>
    public string LastGeneratedId { get; init; } = "";

    /// <summary>The group's delivery position.</summary>
    public string LastDeliveredId { get; init; } = "";

    /// <summary>Records committed to MySQL, ever.</summary>
    public long FlushedTotal { get; init; }

    /// <summary>Records dead-lettered, ever.</summary>
    public long DeadLetteredTotal { get; init; }

    /// <summary>When the last flush committed.</summary>
    public string? LastFlushAt { get; init; }

    /// <summary>How long the last flush took.</summary>
    public long? LastFlushDurationMs { get; init; }
}

/// <summary>The dead-letter stream.</summary>
public sealed class DeadLetterStats
{
    /// <summary>The stream's key.</summary>
    public string Stream { get; init; } = "";

    /// <summary>Dead letters held.</summary>
    public long Length { get; init; }
}

/// <summary>The answering replica's last measurement of the un-flushed backlog.</summary>
public sealed class BackpressureStats
{
    /// <summary>Entries accepted and not yet committed.</summary>
    public long Backlog { get; init; }

    /// <summary>Redis memory in use as a share of its limit.</summary>
    public double RedisMemoryRatio { get; init; }

    /// <summary>Whether the replica refuses batches (503) because of the backlog.</summary>
    public bool Shedding { get; init; }
}
