using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using MySqlConnector;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Registers one <see cref="MySqlDataSource"/> from <c>ConnectionStrings:{name}</c>, wired to the host's logging, with
/// a readiness check. Shaped like Aspire.MySqlConnector's <c>AddMySqlDataSource(connectionName, configureSettings)</c>
/// (that package is not served here), so moving to it is a change of package and of this one file. MySqlConnector
/// emits its own traces and metrics (source and meter "MySqlConnector").
/// </summary>
public static class MySqlDataSourceExtensions
{
    public static IHostApplicationBuilder AddMySqlDataSource(
        this IHostApplicationBuilder builder, string connectionName, Action<MySqlDataSourceSettings>? configureSettings = null)
    {
        var settings = new MySqlDataSourceSettings { ConnectionString = ConnectionStrings.Require(builder.Configuration, connectionName) };
        configureSettings?.Invoke(settings);

        builder.Services.AddSingleton(services => new MySqlDataSourceBuilder(settings.ConnectionString)
            .UseLoggerFactory(services.GetRequiredService<ILoggerFactory>())
            .Build());
        if (!settings.DisableHealthChecks)
        {
            builder.Services.AddHealthChecks().AddCheck<MySqlHealthCheck>(connectionName, settings.HealthCheckFailureStatus);
        }

        return builder;
    }

    private sealed class MySqlHealthCheck(MySqlDataSource dataSource) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            try
            {
                await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
                await connection.PingAsync(cancellationToken);
                return HealthCheckResult.Healthy();
            }
            catch (MySqlException ex)
            {
                return new HealthCheckResult(context.Registration.FailureStatus, "MySQL does not answer.", ex);
            }
        }
    }
}

/// <summary>The settings of <see cref="MySqlDataSourceExtensions.AddMySqlDataSource"/>, named as Aspire's MySqlConnectorSettings names them.</summary>
public sealed class MySqlDataSourceSettings
{
    public string ConnectionString { get; set; } = "";

    public bool DisableHealthChecks { get; set; }

    /// <summary>
    /// What an unreachable MySQL makes of the service's health. <see cref="HealthStatus.Degraded"/> still answers 200,
    /// for a service that has other work to do without the database.
    /// </summary>
    public HealthStatus HealthCheckFailureStatus { get; set; } = HealthStatus.Unhealthy;
}
