namespace Persistence.Contracts.Translations;

/// <summary>Failed jobs put back to pending in bulk.</summary>
/// <param name="Status">Always <c>requeued</c>.</param>
/// <param name="Count">Jobs re-queued by this call.</param>
/// <param name="More">The call's limit was reached, so more failed jobs may match: call again until this is false.</param>
/// <param name="Jobs">The jobs re-queued.</param>
public sealed record BulkRequeued(string Status, int Count, bool More, IReadOnlyList<JobReference> Jobs);
