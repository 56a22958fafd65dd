using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using Persistence.Contracts;

namespace AppHost.Hosting;

/// <summary>What every service project of the stack (API replicas, workers, gateways) has in common.</summary>
public static class StackServiceExtensions
{
    /// <summary>
    /// OpenTelemetry's in-memory retry makes a project wait about 10 s at exit for a collector that is gone (the
    /// dashboard stops with everything else) or was never there (no dashboard): a stop or restart then takes 11–13 s
    /// instead of 1–2 s. Telemetry lost at a stop is not worth that.
    /// </summary>
    private const string OtlpRetryVariable = "OTEL_DOTNET_EXPERIMENTAL_OTLP_RETRY";

    private static readonly string[] OtlpVariables = ["OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_PROTOCOL", "OTEL_EXPORTER_OTLP_HEADERS"];

    /// <summary>
    /// A service project of the stack: its own HTTP endpoint (no proxy in front, so each replica is addressed and
    /// health-checked by itself), ready when <c>/health</c> answers, Production settings, one-line console logs, and
    /// no OTLP exporter when no dashboard listens.
    /// </summary>
    public static IResourceBuilder<ProjectResource> AsStackService(this IResourceBuilder<ProjectResource> project, StackOptions stack, int? port = null) =>
        project
            .WithHttpEndpoint(port: port, isProxied: false)
            .OnLoopback("http")
            .WithHttpHealthCheck("/health")
            .WithEnvironment("DOTNET_ENVIRONMENT", "Production")
            .WithEnvironment("ASPNETCORE_ENVIRONMENT", "Production")
            .WithEnvironment("Logging__Console__FormatterName", "simple")
            .WithEnvironment("Logging__Console__FormatterOptions__SingleLine", "true")
            // The orchestrator stamps each line; colour codes would only clutter the log files.
            .WithEnvironment("Logging__Console__FormatterOptions__ColorBehavior", "Disabled")
            .WithEnvironment(context =>
            {
                if (!context.ExecutionContext.IsRunMode)
                {
                    return;
                }

                // Read at every start: a rolling update writes the new release there, then restarts each instance.
                var release = Path.Combine(stack.StateDirectory, ReplicaRoutes.ReleaseFile);
                if (File.Exists(release) && File.ReadAllText(release).Trim() is { Length: > 0 } name)
                {
                    context.EnvironmentVariables[ReplicaRoutes.ReleaseVariable] = name;
                }

                context.EnvironmentVariables.Remove(OtlpRetryVariable);
                var model = context.ExecutionContext.Services.GetRequiredService<DistributedApplicationModel>();
                if (!model.Resources.Any(r => r.Name == SnapshotNames.Dashboard))
                {
                    foreach (var variable in OtlpVariables)
                    {
                        context.EnvironmentVariables.Remove(variable);
                    }
                }
            });
}
