using Microsoft.Extensions.Hosting;
using Persistence.Client.Writing;

namespace Persistence.Client.Hosting;

/// <summary>Sends what the writer holds when the host stops, within the writer's timeout and the host's own deadline.</summary>
internal sealed class PersistenceWriterShutdown(PersistenceWriter writer) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => writer.StopAsync(cancellationToken);
}
