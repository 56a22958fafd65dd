namespace Persistence.Api.Translations;

/// <summary>Log entries of the translation lifecycle routes (event ids 40-49).</summary>
internal static partial class TranslationLog
{
    [LoggerMessage(40, LogLevel.Information, "Job {JobId} {Decision} by key {KeyId}")]
    public static partial void JobReviewed(ILogger logger, string jobId, string decision, string keyId);

    [LoggerMessage(41, LogLevel.Information, "Job {JobId} re-queued by key {KeyId} (engine {Engine})")]
    public static partial void RejectedJobRequeued(ILogger logger, string jobId, string keyId, string engine);

    [LoggerMessage(42, LogLevel.Information, "{Count} failed jobs re-queued in bulk by key {KeyId}")]
    public static partial void FailedJobsRequeued(ILogger logger, int count, string keyId);

    [LoggerMessage(43, LogLevel.Information, "Forced re-translation of {BusinessId} by key {KeyId}: {Requeued} jobs re-queued, {Skipped} skipped")]
    public static partial void Retranslated(ILogger logger, string businessId, string keyId, int requeued, int skipped);
}
