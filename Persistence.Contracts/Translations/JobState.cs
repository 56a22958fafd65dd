namespace Persistence.Contracts.Translations;

/// <summary>
/// A translation job as stored: its state, its result or last error, the engine (and version: the model, for a
/// model-backed one) it was last claimed for or whose translation it carries, and what a reviewer decided.
/// </summary>
/// <param name="JobId">The job's id.</param>
/// <param name="BusinessId">The business id it translates for.</param>
/// <param name="SourceLang">The source language.</param>
/// <param name="TargetLang">The target language.</param>
/// <param name="Status">pending, translating, translated or failed.</param>
/// <param name="Result">The translation, once translated.</param>
/// <param name="Error">The last error.</param>
/// <param name="Attempts">Attempts made.</param>
/// <param name="Reused">Whether translation memory answered it.</param>
/// <param name="CreatedAt">When the job was registered.</param>
/// <param name="UpdatedAt">When it last changed.</param>
/// <param name="NextAttemptAt">When a retry is due, while it waits for one.</param>
/// <param name="Engine">The engine it was last claimed for, or whose translation it carries (<c>debug</c>, <c>openai</c>).</param>
/// <param name="EngineVersion">The engine's version: the model, for a model-backed engine.</param>
/// <param name="Review">What a reviewer decided; null while nobody has.</param>
public sealed record JobState(
    string JobId,
    string BusinessId,
    string SourceLang,
    string TargetLang,
    string Status,
    string? Result,
    string? Error,
    int Attempts,
    bool Reused,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? NextAttemptAt,
    string? Engine,
    string? EngineVersion,
    JobReview? Review);
