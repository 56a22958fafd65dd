namespace Gateway;

internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Information, "Resolved {Service} to {Count} replicas")]
    public static partial void Resolved(ILogger logger, string service, int count);
}
