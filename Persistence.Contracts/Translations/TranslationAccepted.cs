namespace Persistence.Contracts.Translations;

/// <summary>A translation request registered: one job per target language.</summary>
/// <param name="Status">Always <c>accepted</c>.</param>
/// <param name="BusinessId">The request's business id.</param>
/// <param name="Jobs">The jobs, one per distinct target language.</param>
public sealed record TranslationAccepted(string Status, string BusinessId, IReadOnlyList<JobReference> Jobs);
