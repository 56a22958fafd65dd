using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace AppHost.Hosting;

/// <summary>
/// A readiness check that probes a resource the way its clients will reach it: through its connection string, known
/// once the orchestrator has allocated the endpoint. Each probe opens a fresh connection of its own.
/// </summary>
public static class ConnectionStringHealthCheck
{
    /// <summary>Registers the check and returns its key for <c>WithHealthCheck</c>.</summary>
    public static string Register(
        IDistributedApplicationBuilder builder, IResourceWithConnectionString resource, Func<string, CancellationToken, Task<HealthCheckResult>> probe)
    {
        string? connectionString = null;
        builder.Eventing.Subscribe<ConnectionStringAvailableEvent>(resource, async (_, cancellationToken) =>
            connectionString = await resource.ConnectionStringExpression.GetValueAsync(cancellationToken));

        var key = $"{resource.Name}_ping";
        builder.Services.AddHealthChecks().Add(new HealthCheckRegistration(
            key, _ => new Probe(resource.Name, () => connectionString, probe), failureStatus: null, tags: null));
        return key;
    }

    private sealed class Probe(string name, Func<string?> connectionString, Func<string, CancellationToken, Task<HealthCheckResult>> probe) : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
            connectionString() is { } value
                ? probe(value, cancellationToken)
                : Task.FromResult(HealthCheckResult.Unhealthy($"{name} has no address yet."));
    }
}
