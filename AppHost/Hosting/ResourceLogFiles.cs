using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace AppHost.Hosting;

/// <summary>
/// Every resource's console output, line by line, in <c>logs/&lt;resource&gt;.log</c> of the state folder (kept across
/// runs, readable after a crash), and on AppHost's console prefixed with the resource name unless the stack runs quiet.
/// The dashboard shows the same lines.
/// </summary>
public sealed partial class ResourceLogFiles(DistributedApplicationModel model, ResourceLoggerService logs, StackOptions options, ILogger<ResourceLogFiles> logger)
    : BackgroundService
{
    public static string LogDirectory(string stateDirectory) => Path.Combine(stateDirectory, "logs");

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        Directory.CreateDirectory(LogDirectory(options.StateDirectory));
        return Task.WhenAll(model.Resources
            .Where(r => r is RedisClusterResource or RedisServerResource or MariaDbServerResource or PostgreSqlProcessResource or ProjectResource)
            .Select(r => FollowAsync(r, stoppingToken)));
    }

    private async Task FollowAsync(IResource resource, CancellationToken cancellationToken)
    {
        var file = new FileStreamOptions { Mode = FileMode.Append, Access = FileAccess.Write, Share = FileShare.ReadWrite, UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite };
        await using var writer = new StreamWriter(Path.Combine(LogDirectory(options.StateDirectory), resource.Name + ".log"), new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: false), file) { AutoFlush = true };
        var prefix = $"[{resource.Name}] ";
        try
        {
            await foreach (var batch in logs.WatchAsync(resource).WithCancellation(cancellationToken))
            {
                foreach (var line in batch)
                {
                    await writer.WriteLineAsync(line.Content);
                    if (options.EchoLogs)
                    {
                        await Console.Out.WriteLineAsync(prefix + line.Content);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // AppHost is stopping.
        }
        catch (IOException ex)
        {
            // A full disk must not take the stack down: the dashboard still has the lines.
            Log.NotWritten(logger, resource.Name, ex.Message);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Warning, "The log file of {Resource} is no longer written: {Message}")]
        public static partial void NotWritten(ILogger logger, string resource, string message);
    }
}
