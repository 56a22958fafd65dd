namespace Persistence.Contracts.Pipeline;

/// <summary>One data stream's state and counters.</summary>
/// <param name="Stream">The stream's key.</param>
/// <param name="Length">Entries in the stream.</param>
/// <param name="Pending">Delivered, not yet committed.</param>
/// <param name="Lag">Not yet delivered.</param>
/// <param name="Consumers">Consumers in the group.</param>
/// <param name="LastGeneratedId">The newest entry's id.</param>
/// <param name="LastDeliveredId">The group's delivery position.</param>
/// <param name="FlushedTotal">Records committed to MySQL, ever.</param>
/// <param name="DeadLetteredTotal">Records dead-lettered, ever.</param>
/// <param name="LastFlushAt">When the last flush committed.</param>
/// <param name="LastFlushDurationMs">How long the last flush took.</param>
public sealed record StreamStats(
    string Stream,
    long Length,
    long Pending,
    long? Lag,
    int Consumers,
    string LastGeneratedId,
    string LastDeliveredId,
    long FlushedTotal,
    long DeadLetteredTotal,
    string? LastFlushAt,
    long? LastFlushDurationMs);
