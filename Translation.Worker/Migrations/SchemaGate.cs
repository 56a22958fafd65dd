using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Translation.Worker.Migrations;

/// <summary>Opens once the schema is current. Flushers wait on it; readiness reports it.</summary>
public sealed class SchemaGate : IHealthCheck
{
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task WaitAsync(CancellationToken cancellationToken) => _ready.Task.WaitAsync(cancellationToken);

    public void Open() => _ready.TrySetResult();

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(_ready.Task.IsCompleted
            ? HealthCheckResult.Healthy("Schema is current.")
            : HealthCheckResult.Unhealthy("Migrations have not completed."));
}
