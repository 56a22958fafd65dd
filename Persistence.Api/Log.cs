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

    [LoggerMessage(5, LogLevel.Warning, "MySQL is unreachable; answered 503")]
    public static partial void DatabaseUnavailable(ILogger logger, Exception exception);

    [LoggerMessage(6, LogLevel.Warning, "Restore of session {SessionId} stopped after {Tasks} tasks; the response is cut short")]
    public static partial void RestoreAborted(ILogger logger, string sessionId, long tasks, Exception exception);

    [LoggerMessage(7, LogLevel.Information, "Garbage collection ({Mode}) removed or found {Sessions} sessions and {Tasks} tasks in {ElapsedMs} ms")]
    public static partial void GarbageCollected(ILogger logger, string mode, long sessions, long tasks, double elapsedMs);
}
