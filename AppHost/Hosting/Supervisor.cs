using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace AppHost.Hosting;

/// <summary>
/// Restarts a process that died on its own, as a cluster's supervisor would: the orchestrator leaves a crashed process
/// finished. A deliberate stop (the dashboard's or a test's) exits 0 or passes through Stopping, and stays stopped.
/// A process that keeps dying is restarted with a growing delay, up to <see cref="MaximumDelay"/>.
/// </summary>
public sealed partial class Supervisor(
    ResourceNotificationService notifications,
    ResourceCommandService commands,
    IHostApplicationLifetime lifetime,
    TimeProvider time,
    ILogger<Supervisor> logger) : BackgroundService
{
    private static readonly TimeSpan FirstDelay = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan MaximumDelay = TimeSpan.FromSeconds(30);

    /// <summary>A process that ran this long before it died counts as healthy again: its next restart is immediate.</summary>
    private static readonly TimeSpan StableRun = TimeSpan.FromMinutes(1);

    private readonly Dictionary<string, Supervised> _resources = [];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await foreach (var change in notifications.WatchAsync(stoppingToken))
        {
            if (change.Resource is not (RedisServerResource or MariaDbServerResource or ProjectResource))
            {
                continue;
            }

            var state = change.Snapshot.State?.Text;
            var supervised = _resources.TryGetValue(change.ResourceId, out var known) ? known : _resources[change.ResourceId] = new Supervised();
            var previous = supervised.State;
            supervised.State = state;
            if (state == KnownResourceStates.Stopping)
            {
                supervised.Deliberate = true;
            }
            else if (state == KnownResourceStates.Running && previous != KnownResourceStates.Running)
            {
                supervised.RunningSince = time.GetUtcNow();
            }
            else if (KnownResourceStates.TerminalStates.Contains(state) && !KnownResourceStates.TerminalStates.Contains(previous))
            {
                var deliberate = supervised.Deliberate || change.Snapshot.ExitCode is null or 0;
                supervised.Deliberate = false;
                if (!deliberate && !lifetime.ApplicationStopping.IsCancellationRequested)
                {
                    _ = RestartAsync(change.Resource, supervised, change.Snapshot.ExitCode, stoppingToken);
                }
            }
        }
    }

    private async Task RestartAsync(IResource resource, Supervised supervised, int? exitCode, CancellationToken cancellationToken)
    {
        var ranFor = time.GetUtcNow() - supervised.RunningSince;
        supervised.Delay = ranFor >= StableRun ? TimeSpan.Zero : TimeSpan.FromTicks(Math.Min(MaximumDelay.Ticks, Math.Max(FirstDelay.Ticks, supervised.Delay.Ticks * 2)));
        Log.Restarting(logger, resource.Name, exitCode, supervised.Delay.TotalMilliseconds);
        try
        {
            await Task.Delay(supervised.Delay, time, cancellationToken);
            var result = await commands.ExecuteCommandAsync(resource, KnownResourceCommands.StartCommand, cancellationToken);
            if (!result.Success)
            {
                Log.RestartFailed(logger, resource.Name, result.Message);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // AppHost is stopping; nothing to restart for.
        }
    }

    private sealed class Supervised
    {
        public string? State { get; set; }

        public bool Deliberate { get; set; }

        public DateTimeOffset RunningSince { get; set; }

        public TimeSpan Delay { get; set; }
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Warning, "{Resource} exited with code {ExitCode} on its own; starting it again in {DelayMs} ms")]
        public static partial void Restarting(ILogger logger, string resource, int? exitCode, double delayMs);

        [LoggerMessage(2, LogLevel.Error, "{Resource} could not be started again: {Message}")]
        public static partial void RestartFailed(ILogger logger, string resource, string? message);
    }
}
