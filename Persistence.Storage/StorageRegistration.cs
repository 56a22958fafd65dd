using System.Data.Common;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using MySqlConnector;
using Persistence.Contracts;
using Persistence.Storage.MySql;
using Persistence.Storage.PostgreSql;

namespace Persistence.Storage;

public static class StorageRegistration
{
    /// <summary>
    /// Registers the database the configuration routes the collections to: its data source (as
    /// <see cref="DbDataSource"/> and as the driver's own type), its <see cref="StorageDialect"/>, and a readiness
    /// check named <paramref name="connectionName"/>. Bad routes stop the process here, with every problem named.
    /// </summary>
    /// <param name="failureStatus">
    /// What an unreachable database makes of the process's health: <see cref="HealthStatus.Degraded"/> still answers
    /// 200, for a process with other work to do without it.
    /// </param>
    public static IHostApplicationBuilder AddPersistenceStorage(
        this IHostApplicationBuilder builder, string connectionName, HealthStatus failureStatus = HealthStatus.Unhealthy)
    {
        var options = StorageOptions.Read(builder.Configuration);
        var problems = options.Problems().ToList();
        if (problems.Count > 0)
        {
            throw new InvalidOperationException(string.Join(" ", problems));
        }

        builder.Services.AddOptions<StorageOptions>().BindConfiguration(StorageOptions.SectionName);
        if (options.BackendOf(StorageCollections.Sessions) == StorageBackends.PostgreSql)
        {
            // Aspire's integration: Npgsql's tracing and metrics, and the data source registered as DbDataSource too.
            // Its own health check cannot be made Degraded, so ours (below) stands in for it.
            builder.AddNpgsqlDataSource(
                connectionName,
                settings =>
                {
                    settings.ConnectionString ??= ConnectionStrings.Require(builder.Configuration, connectionName);
                    settings.DisableHealthChecks = true;
                },
                // Timestamps are timestamptz and the SQL compares them with UTC values: every session in UTC makes a
                // DateTime without a zone mean the same as it does to MySQL.
                dataSource => dataSource.ConnectionStringBuilder.Timezone = "UTC");
            builder.Services.AddSingleton<StorageDialect, PostgreSqlDialect>();
        }
        else
        {
            builder.AddMySqlDataSource(connectionName, settings => settings.DisableHealthChecks = true);
            builder.Services.AddSingleton<DbDataSource>(services => services.GetRequiredService<MySqlDataSource>());
            builder.Services.AddSingleton<StorageDialect, MySqlDialect>();
        }

        builder.Services.AddHealthChecks().AddCheck<DatabaseHealthCheck>(connectionName, failureStatus);
        return builder;
    }
}
