namespace Translation.Worker.Backup;

/// <summary>The scheduled backup's log lines; event ids 80-89.</summary>
internal static partial class BackupLog
{
    [LoggerMessage(80, LogLevel.Information, "Next backup at {At:O}")]
    public static partial void Scheduled(ILogger logger, DateTimeOffset at);

    [LoggerMessage(81, LogLevel.Information, "Backup written to {Directory}: {Bytes} bytes in {ElapsedMs} ms")]
    public static partial void Written(ILogger logger, string directory, long bytes, long elapsedMs);

    [LoggerMessage(82, LogLevel.Information, "Backup skipped: another worker is running it")]
    public static partial void Skipped(ILogger logger);

    [LoggerMessage(83, LogLevel.Error, "Backup failed; it runs again at the next scheduled time")]
    public static partial void Failed(ILogger logger, Exception exception);

    [LoggerMessage(84, LogLevel.Information, "Deleted backup {Directory} (retention)")]
    public static partial void Deleted(ILogger logger, string directory);
}
