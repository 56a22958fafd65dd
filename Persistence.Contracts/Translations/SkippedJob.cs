namespace Persistence.Contracts.Translations;

/// <summary>A job a re-translation left alone.</summary>
/// <param name="JobId">The job's id.</param>
/// <param name="TargetLang">The job's target language.</param>
/// <param name="Reason">Why it was left alone.</param>
public sealed record SkippedJob(string JobId, string TargetLang, string Reason);
