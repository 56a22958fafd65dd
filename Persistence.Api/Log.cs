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

    [LoggerMessage(6, LogLevel.Warning, "MySQL did not answer a translation query; answered 503")]
    public static partial void DatabaseUnavailable(ILogger logger, Exception exception);

    [LoggerMessage(7, LogLevel.Information, "Job {JobId} re-queued by key {KeyId}")]
    public static partial void JobRequeued(ILogger logger, string jobId, string? keyId);
}
