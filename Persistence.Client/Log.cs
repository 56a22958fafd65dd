using Microsoft.Extensions.Logging;

namespace Persistence.Client;

internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Warning, "Sending {Count} {Kind} failed ({Reason}); resending in {DelayMs} ms (attempt {Attempt})")]
    public static partial void Resending(ILogger logger, int count, string kind, string reason, long delayMs, int attempt);

    [LoggerMessage(2, LogLevel.Error, "Gave up {Count} {Kind}: {Reason}")]
    public static partial void GaveUp(ILogger logger, int count, string kind, Writing.UndeliveredReason reason, Exception? exception);

    [LoggerMessage(3, LogLevel.Error, "The undelivered-records callback threw")]
    public static partial void CallbackFailed(ILogger logger, Exception exception);

    [LoggerMessage(4, LogLevel.Information, "Persistence writer stopped with {Undelivered} records undelivered")]
    public static partial void Stopped(ILogger logger, long undelivered);
}
