namespace Persistence.Contracts.Translations;

/// <summary>A business id's newest job per target language.</summary>
/// <param name="BusinessId">The business id.</param>
/// <param name="Translations">One job per target language.</param>
public sealed record TranslationState(string BusinessId, IReadOnlyList<JobState> Translations);
