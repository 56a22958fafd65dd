using System.Data.Common;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Persistence.Storage;

/// <summary>Ready while the database answers a trivial statement, whichever backend it is.</summary>
internal sealed class DatabaseHealthCheck(DbDataSource dataSource, StorageDialect dialect) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var command = dataSource.CreateCommand("SELECT 1");
            await command.ExecuteScalarAsync(cancellationToken);
            return HealthCheckResult.Healthy();
        }
        catch (DbException ex)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, $"{dialect.DisplayName} does not answer.", ex);
        }
    }
}
