namespace Persistence.Api;

internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Debug, "Accepted {Count} records into {Stream}")]
    public static partial void Accepted(ILogger logger, string stream, int count);

    [LoggerMessage(2, LogLevel.Warning, "Could not append {Count} records to {Stream}; answered 503")]
    public static partial void AppendFailed(ILogger logger, string stream, int count, Exception exception);

    [LoggerMessage(3, LogLevel.Warning, "Flush barrier timed out after {ElapsedMs} ms with {Remaining} records not yet committed")]
    public static partial void FlushTimedOut(ILogger logger, long elapsedMs, long remaining);

    [LoggerMessage(4, LogLevel.Warning, "Could not read the stream state")]
    public static partial void StreamStateFailed(ILogger logger, Exception exception);

    [LoggerMessage(5, LogLevel.Warning, "Refused a direct call from {RemoteAddress} to {Path}: no valid internal credential")]
    public static partial void DirectCallRefused(ILogger logger, string remoteAddress, string path);

    [LoggerMessage(6, LogLevel.Warning, "Backlog of {Backlog} records (Redis memory {MemoryRatio:P0}) passed the high-water mark; refusing batches with 503")]
    public static partial void SheddingStarted(ILogger logger, long backlog, double memoryRatio);

    [LoggerMessage(7, LogLevel.Information, "Backlog down to {Backlog} records (Redis memory {MemoryRatio:P0}); accepting batches again")]
    public static partial void SheddingStopped(ILogger logger, long backlog, double memoryRatio);

    [LoggerMessage(8, LogLevel.Information, "Replayed dead letter {Id} into {Stream}")]
    public static partial void DeadLetterReplayed(ILogger logger, string id, string stream);

    [LoggerMessage(9, LogLevel.Information, "Discarded dead letter {Id}")]
    public static partial void DeadLetterDiscarded(ILogger logger, string id);

    [LoggerMessage(10, LogLevel.Warning, "Dead letter {Id} names no data stream or holds no record; it cannot be replayed")]
    public static partial void DeadLetterNotReplayable(ILogger logger, string id);

    [LoggerMessage(11, LogLevel.Warning, "The database is unreachable; answered 503")]
    public static partial void DatabaseUnavailable(ILogger logger, Exception exception);

    [LoggerMessage(12, LogLevel.Warning, "Restore of session {SessionId} stopped after {Tasks} tasks; the response is cut short")]
    public static partial void RestoreAborted(ILogger logger, string sessionId, long tasks, Exception exception);

    [LoggerMessage(13, LogLevel.Information, "Garbage collection ({Mode}) removed or found {Sessions} sessions and {Tasks} tasks in {ElapsedMs} ms")]
    public static partial void GarbageCollected(ILogger logger, string mode, long sessions, long tasks, double elapsedMs);

    [LoggerMessage(14, LogLevel.Warning, "Could not check Redis for WAITAOF at start (Redis unreachable); strict fsync mode is unverified")]
    public static partial void DurabilityUnchecked(ILogger logger, Exception exception);

    [LoggerMessage(15, LogLevel.Warning, "Accepted {Count} records into {Stream} but could not confirm durability; answered 503")]
    public static partial void DurabilityNotConfirmed(ILogger logger, string stream, int count, Exception exception);

    [LoggerMessage(16, LogLevel.Information, "Job {JobId} re-queued by key {KeyId}")]
    public static partial void JobRequeued(ILogger logger, string jobId, string? keyId);
}
