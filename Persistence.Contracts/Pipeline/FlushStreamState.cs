namespace Persistence.Contracts.Pipeline;

/// <summary>One stream at the flush barrier.</summary>
/// <param name="Target">The stream's last generated id when the flush began.</param>
/// <param name="LastDeliveredId">The consumer group's delivery position.</param>
/// <param name="Pending">Entries delivered and not yet committed.</param>
/// <param name="Lag">Entries not yet delivered.</param>
public sealed record FlushStreamState(string Target, string LastDeliveredId, long Pending, long? Lag);
