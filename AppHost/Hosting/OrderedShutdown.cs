using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.Hosting;
using Persistence.Contracts;

namespace AppHost.Hosting;

/// <summary>
/// On Ctrl+C or SIGTERM the orchestrator stops every process at once, so MariaDB and Redis could be gone while a
/// worker still commits the batch in its hands (it would then wait out its drain timeout, and leave the batch to be
/// delivered again). This stops the services first, front to back (gateways, API replicas, workers), each tier
/// draining with everything behind it still up; the data stores go last, with the rest of the stack.
/// </summary>
public sealed class OrderedShutdown(DistributedApplicationModel model, ResourceCommandService commands) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    // Hosted services stop in reverse order of registration: this runs before the orchestrator's own teardown.
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        var projects = model.Resources.OfType<ProjectResource>().ToList();
        string[] tiers = [StackResources.Gateway, StackResources.Api, StackResources.Worker];
        foreach (var tier in tiers)
        {
            await Task.WhenAll(projects
                .Where(p => p.Name == tier || p.Name.StartsWith(tier + "-", StringComparison.Ordinal))
                .Select(p => commands.ExecuteCommandAsync(p, KnownResourceCommands.StopCommand, cancellationToken)));
        }
    }
}
