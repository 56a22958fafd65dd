using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Persistence.Contracts;

namespace AppHost.Hosting;

/// <summary>
/// On Ctrl+C or SIGTERM the orchestrator stops every process at once, so MariaDB and Redis could be gone while a
/// worker still commits the batch in its hands (it would then wait out its drain timeout, and leave the batch to be
/// delivered again). This stops the services first, front to back (gateways, API replicas, workers), each tier
/// draining with everything behind it still up; the data stores go last, with the rest of the stack. PostgreSQL is
/// then told to shut down fast (SIGINT: sessions rolled back, a checkpoint, exit): the orchestrator's SIGTERM asks for
/// a smart shutdown, which waits for every client to leave, and its SIGKILL follows soon after.
/// </summary>
public sealed partial class OrderedShutdown(
    DistributedApplicationModel model, ResourceNotificationService notifications, ResourceCommandService commands, ILogger<OrderedShutdown> logger) : IHostedService
{
    private static readonly TimeSpan FastShutdownTimeout = TimeSpan.FromSeconds(20);

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    // Hosted services stop in reverse order of registration: this runs before the orchestrator's own teardown.
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        var running = model.Resources.OfType<ProjectResource>()
            .Where(p => notifications.TryGetCurrentState(p.Name, out var current) && current.Snapshot.State?.Text == KnownResourceStates.Running)
            .ToList();
        string[] tiers = [StackResources.Gateway, StackResources.Api, StackResources.Worker];
        foreach (var tier in tiers)
        {
            await Task.WhenAll(running.Where(p => StackResources.IsOf(tier, p.Name)).Select(p => StopAsync(p, cancellationToken)));
        }

        await Task.WhenAll(model.Resources.OfType<PostgreSqlProcessResource>().Select(p => ShutDownFastAsync(p, cancellationToken)));
    }

    private async Task ShutDownFastAsync(PostgreSqlProcessResource server, CancellationToken cancellationToken)
    {
        if (!notifications.TryGetCurrentState(server.Name, out var current) || current.Snapshot.State?.Text != KnownResourceStates.Running
            || SnapshotNames.ProcessId(current.Snapshot) is not { } pid || !ProcessTree.Signal(pid, ProcessTree.Interrupt))
        {
            return;
        }

        // The pid is the server's own (nice and setpriv exec it); its exit is the end of the shutdown checkpoint.
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(FastShutdownTimeout);
        try
        {
            while (ProcessTree.IsRunning(pid) && !IsZombie(pid))
            {
                await Task.Delay(50, deadline.Token);
            }

            // The server removed its socket and lock file; the folder would stay behind in the temporary folder.
            if (Directory.Exists(server.SocketDirectory) && !Directory.EnumerateFileSystemEntries(server.SocketDirectory).Any())
            {
                Directory.Delete(server.SocketDirectory);
            }
        }
        catch (OperationCanceledException)
        {
            Log.NotStopped(logger, server.Name, $"still shutting down after {FastShutdownTimeout.TotalSeconds:F0} s");
        }
    }

    /// <summary>A process that exited but is not reaped yet by the orchestrator.</summary>
    private static bool IsZombie(int pid)
    {
        try
        {
            return File.ReadLines($"/proc/{pid}/status").Any(line => line.StartsWith("State:", StringComparison.Ordinal) && line.Contains('Z', StringComparison.Ordinal));
        }
        catch (IOException)
        {
            return true;
        }
    }

    private async Task StopAsync(ProjectResource project, CancellationToken cancellationToken)
    {
        var result = await commands.ExecuteCommandAsync(project, KnownResourceCommands.StopCommand, cancellationToken);
        if (!result.Success)
        {
            // The orchestrator's own teardown stops it anyway, only not in order.
            Log.NotStopped(logger, project.Name, result.Message);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Warning, "{Resource} did not stop before the data stores: {Message}")]
        public static partial void NotStopped(ILogger logger, string resource, string? message);
    }
}
