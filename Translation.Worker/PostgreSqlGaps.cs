using Persistence.Contracts;
using Persistence.Storage;

namespace Translation.Worker;

/// <summary>
/// What the worker does not do on PostgreSQL yet (issue 27): backups (mariadb-dump and the binary-log archive) are
/// MySQL's only. On PostgreSQL scheduled backups are not started, the start says so once, and the backup and restore
/// commands refuse with this message instead of failing half-way.
/// </summary>
public static class PostgreSqlGaps
{
    public const string Message =
        "Backups and restores run on MySQL only so far; with Storage:Backend=postgres scheduled backups do not run and the backup and restore commands refuse.";

    public static bool Apply(IConfiguration configuration) =>
        StorageOptions.Read(configuration).BackendOf(StorageCollections.Sessions) == StorageBackends.PostgreSql;
}

/// <summary>Says once, at start, what <see cref="PostgreSqlGaps"/> leaves out.</summary>
internal sealed class PostgreSqlGapsNotice(ILogger<PostgreSqlGapsNotice> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        Log.PostgreSqlGaps(logger, PostgreSqlGaps.Message);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
