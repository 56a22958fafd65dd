namespace Persistence.Contracts.Translations;

/// <summary>A failed (or rejected) job put back to pending.</summary>
/// <param name="Status">Always <c>requeued</c>.</param>
/// <param name="JobId">The job's id.</param>
public sealed record JobRequeued(string Status, string JobId);
