namespace Persistence.Contracts.Translations;

/// <summary>A job's id (derived from the request alone, so a resend names the same job) and its language.</summary>
/// <param name="JobId">The job's id.</param>
/// <param name="TargetLang">The job's target language.</param>
public sealed record JobReference(string JobId, string TargetLang);
