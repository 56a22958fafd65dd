namespace Translation.Worker.Processing;

/// <summary>Log entries of the engine selection (event ids 60-69).</summary>
internal static partial class ProcessingLog
{
    [LoggerMessage(60, LogLevel.Information, "Switched engine from {From} to {To}; the next claims use it")]
    public static partial void EngineSwitched(ILogger logger, string from, string to);

    [LoggerMessage(61, LogLevel.Error, "Engine change refused ({Reason}); staying with {Current}")]
    public static partial void EngineSwitchRefused(ILogger logger, string reason, string current);

    [LoggerMessage(62, LogLevel.Warning, "Could not announce this worker's engines; re-queues to an engine only it runs may be refused until it can")]
    public static partial void EngineAnnouncementFailed(ILogger logger, Exception exception);

    [LoggerMessage(63, LogLevel.Information, "Announcing this worker's engines again")]
    public static partial void EnginesAnnouncedAgain(ILogger logger);
}
