using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace AppHost.Hosting;

/// <summary>
/// Restarts a process that died on its own, as a cluster's supervisor would: the orchestrator leaves a crashed process
/// finished. A deliberate stop (the dashboard's or a test's) passes through Stopping or exits 0, and stays stopped.
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
            if (change.Resource is not (RedisServerResource or MariaDbServerResource or PostgreSqlProcessResource or BinlogArchiverResource or ProjectResource))
            {
                continue;
            }

            var state = change.Snapshot.State?.Text;
            if (!_resources.TryGetValue(change.ResourceId, out var supervised))
            {
                _resources[change.ResourceId] = supervised = new Supervised(time.GetUtcNow());
            }

            var previous = supervised.State;
            supervised.State = state;
            if (state == previous)
            {
                continue;
            }

            if (state == KnownResourceStates.Stopping)
            {
                supervised.Deliberate = true;
                supervised.CancelPendingRestart();
            }
            else if (state == KnownResourceStates.Starting || state == KnownResourceStates.Running)
            {
                // Whoever started it (a person, a test, this), any restart still waiting is not needed any more.
                supervised.Deliberate = false;
                supervised.CancelPendingRestart();
                if (state == KnownResourceStates.Running)
                {
                    supervised.RunningSince = time.GetUtcNow();
                }
            }
            else if (KnownResourceStates.TerminalStates.Contains(state) && !KnownResourceStates.TerminalStates.Contains(previous))
            {
                // A process that could not start at all has no exit code; one that stopped cleanly exits 0.
                var crashed = state == KnownResourceStates.FailedToStart || change.Snapshot.ExitCode is { } code && code != 0;
                if (crashed && !supervised.Deliberate && !lifetime.ApplicationStopping.IsCancellationRequested)
                {
                    ScheduleRestart(change.Resource, supervised, change.Snapshot.ExitCode, stoppingToken);
                }

                supervised.Deliberate = false;
            }
        }
    }

    private void ScheduleRestart(IResource resource, Supervised supervised, int? exitCode, CancellationToken stoppingToken)
    {
        var ranFor = time.GetUtcNow() - supervised.RunningSince;
        supervised.Delay = ranFor >= StableRun ? TimeSpan.Zero : TimeSpan.FromTicks(Math.Min(MaximumDelay.Ticks, Math.Max(FirstDelay.Ticks, supervised.Delay.Ticks * 2)));
        var pending = supervised.StartPendingRestart(stoppingToken);
        Log.Restarting(logger, resource.Name, exitCode, supervised.Delay.TotalMilliseconds);
        _ = RestartAsync(resource, supervised.Delay, pending, stoppingToken);
    }

    /// <summary>
    /// Waits out the delay (cancelled when someone else starts or stops the resource meanwhile), then starts it; the
    /// start itself is cancelled only by AppHost stopping, since its own Starting notification must not abort it.
    /// </summary>
    private async Task RestartAsync(IResource resource, TimeSpan delay, CancellationToken pending, CancellationToken stoppingToken)
    {
        try
        {
            await Task.Delay(delay, time, pending);
            var result = await commands.ExecuteCommandAsync(resource, KnownResourceCommands.StartCommand, stoppingToken);
            if (!result.Success)
            {
                // The orchestrator's notification of the failed start (FailedToStart) schedules the next try.
                Log.RestartFailed(logger, resource.Name, result.Message);
            }
        }
        catch (OperationCanceledException)
        {
            // Started by someone else meanwhile, stopped on purpose, or AppHost is stopping.
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException)
        {
            Log.RestartFailed(logger, resource.Name, ex.Message);
        }
    }

    private sealed class Supervised(DateTimeOffset seen)
    {
        private CancellationTokenSource? _pendingRestart;

        public string? State { get; set; }

        public bool Deliberate { get; set; }

        /// <summary>From when it was first seen, so one that dies before it ever ran is restarted with a delay too.</summary>
        public DateTimeOffset RunningSince { get; set; } = seen;

        public TimeSpan Delay { get; set; }

        public CancellationToken StartPendingRestart(CancellationToken stoppingToken)
        {
            CancelPendingRestart();
            _pendingRestart = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            return _pendingRestart.Token;
        }

        public void CancelPendingRestart()
        {
            _pendingRestart?.Cancel();
            _pendingRestart?.Dispose();
            _pendingRestart = null;
        }
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Warning, "{Resource} exited with code {ExitCode} on its own; starting it again in {DelayMs} ms")]
        public static partial void Restarting(ILogger logger, string resource, int? exitCode, double delayMs);

        [LoggerMessage(2, LogLevel.Error, "{Resource} could not be started again: {Message}")]
        public static partial void RestartFailed(ILogger logger, string resource, string? message);
    }
}
