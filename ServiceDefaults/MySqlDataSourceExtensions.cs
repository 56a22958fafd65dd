using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using MySqlConnector;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Registers one <see cref="MySqlDataSource"/> from <c>ConnectionStrings:{name}</c>, wired to the host's logging,
/// with a readiness check unless <c>healthCheck</c> is false (a service that must keep serving while MySQL is down).
/// MySqlConnector emits its own traces and metrics (source and meter "MySqlConnector").
/// </summary>
public static class MySqlDataSourceExtensions
{
    /// <param name="failureStatus">
    /// What an unreachable MySQL makes of the service's health. <see cref="HealthStatus.Degraded"/> still answers 200,
    /// for a service that has other work to do without the database.
    /// </param>
    public static IHostApplicationBuilder AddMySqlDataSource(
        this IHostApplicationBuilder builder,
        string connectionName,
        Action<MySqlConnectionStringBuilder>? configure = null,
        bool healthCheck = true,
        HealthStatus failureStatus = HealthStatus.Unhealthy)
    {
        var connectionString = ConnectionStrings.Require(builder.Configuration, connectionName);

        var settings = new MySqlConnectionStringBuilder(connectionString);
        configure?.Invoke(settings);

        builder.Services.AddSingleton(services => new MySqlDataSourceBuilder(settings.ConnectionString)
            .UseLoggerFactory(services.GetRequiredService<ILoggerFactory>())
            .Build());
        if (healthCheck)
        {
            builder.Services.AddHealthChecks().AddCheck<MySqlHealthCheck>(connectionName, failureStatus);
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
