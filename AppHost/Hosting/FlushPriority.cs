using System.Globalization;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace AppHost.Hosting;

/// <summary>
/// Runs the workers below the ingest path's priority (MariaDB gets it from <c>nice</c> at its start). On one machine
/// the flush competes for the cores with the requests producers wait on; it only has to keep up on average, as the
/// stream buffers the rest. A project's process is started by its <c>dotnet run</c> wrapper, so the service's
/// threads are lowered once it is up, and again after every restart.
/// </summary>
public sealed partial class FlushPriority(ResourceNotificationService notifications, FlushPriority.Targets targets, TimeProvider time, ILogger<FlushPriority> logger)
    : BackgroundService
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    private readonly HashSet<int> _lowered = [];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await foreach (var change in notifications.WatchAsync(stoppingToken))
        {
            if (change.Resource is ProjectResource project && targets.Resources.Contains(project.Name)
                && change.Snapshot.State?.Text == KnownResourceStates.Running
                && change.Snapshot.Properties.FirstOrDefault(p => p.Name == SnapshotNames.ExecutablePid)?.Value?.ToString() is { } value
                && int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var wrapper)
                && _lowered.Add(wrapper))
            {
                _ = LowerWhenStartedAsync(project, wrapper, stoppingToken);
            }
        }
    }

    private async Task LowerWhenStartedAsync(ProjectResource project, int wrapper, CancellationToken cancellationToken)
    {
        var assembly = Path.GetFileNameWithoutExtension(project.GetProjectMetadata().ProjectPath);
        var deadline = time.GetUtcNow() + StartTimeout;
        while (time.GetUtcNow() < deadline && ProcessTree.IsRunning(wrapper))
        {
            if (ProcessTree.FindApplication(wrapper, assembly) is { } service)
            {
                ProcessTree.Lower(service, targets.Niceness);
                Log.Lowered(logger, project.Name, service, targets.Niceness);
                return;
            }

            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(100), time, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Which resources run at which niceness, relative to AppHost's own.</summary>
    public sealed record Targets(IReadOnlySet<string> Resources, int Niceness);

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "{Resource} (pid {Pid}) runs at niceness +{Niceness}")]
        public static partial void Lowered(ILogger logger, string resource, int pid, int niceness);
    }
}
