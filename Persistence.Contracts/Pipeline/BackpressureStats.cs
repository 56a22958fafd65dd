namespace Persistence.Contracts.Pipeline;

/// <summary>The answering replica's last measurement of the un-flushed backlog, and whether it refuses batches because of it.</summary>
/// <param name="Backlog">Entries accepted and not yet committed.</param>
/// <param name="RedisMemoryRatio">Redis memory in use as a share of its limit.</param>
/// <param name="Shedding">Whether the replica refuses batches (503) because of the backlog.</param>
public sealed record BackpressureStats(long Backlog, double RedisMemoryRatio, bool Shedding);
