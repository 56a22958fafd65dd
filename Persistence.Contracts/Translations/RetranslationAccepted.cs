namespace Persistence.Contracts.Translations;

/// <summary>A business id's newest jobs sent to the engine again, and those left alone.</summary>
/// <param name="Status">Always <c>accepted</c>.</param>
/// <param name="BusinessId">The business id.</param>
/// <param name="Requeued">The jobs back to pending.</param>
/// <param name="Skipped">The jobs not re-queued (an approved one, say), each with why.</param>
public sealed record RetranslationAccepted(string Status, string BusinessId, IReadOnlyList<JobReference> Requeued, IReadOnlyList<SkippedJob> Skipped);
