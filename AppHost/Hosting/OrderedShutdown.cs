using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Persistence.Contracts;

namespace AppHost.Hosting;

/// <summary>
/// On Ctrl+C or SIGTERM the orchestrator stops every process at once, so MariaDB and Redis could be gone while a
/// worker still commits the batch in its hands (it would then wait out its drain timeout, and leave the batch to be
/// delivered again). This stops the services first, front to back (gateways, API replicas, workers), each tier
/// draining with everything behind it still up; the data stores go last, with the rest of the stack.
/// </summary>
public sealed partial class OrderedShutdown(
    DistributedApplicationModel model, ResourceNotificationService notifications, ResourceCommandService commands, ILogger<OrderedShutdown> logger) : IHostedService
{
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
