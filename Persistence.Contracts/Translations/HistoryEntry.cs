namespace Persistence.Contracts.Translations;

/// <summary>One state change in a business id's audit trail.</summary>
/// <param name="EventId">The entry's id; entries come in its order, oldest first.</param>
/// <param name="JobId">The job that changed.</param>
/// <param name="TargetLang">The job's target language.</param>
/// <param name="Event">What happened: requested, claimed, translated, failed, retried, released, approved, rejected, requeued or retranslate.</param>
/// <param name="Actor">Who did it: a key id, a worker's name, or <c>internal</c>.</param>
/// <param name="FromStatus">The status before; null for the request that created the job.</param>
/// <param name="ToStatus">The status after.</param>
/// <param name="Detail">The error, note or engine that goes with the change.</param>
/// <param name="At">When it happened.</param>
public sealed record HistoryEntry(
    string EventId, string JobId, string TargetLang, string Event, string Actor, string? FromStatus, string ToStatus, string? Detail, DateTimeOffset At);
