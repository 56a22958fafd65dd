using System.Data.Common;
using Persistence.Storage;
using Translation.Worker.Migrations.MySql;
using Translation.Worker.Migrations.PostgreSql;

namespace Translation.Worker.Migrations;

/// <summary>
/// Applies pending migrations under a database-wide lock, so workers starting together apply each script once and the
/// others wait, then find nothing left to do. Each backend has its own scripts (Migrations/MySql, Migrations/PostgreSql).
/// </summary>
public sealed class MigrationRunner(DbDataSource dataSource, StorageDialect dialect, ILogger<MigrationRunner> logger, IReadOnlyList<Migration> migrations)
{
    private readonly SchemaHistory _history = For(dialect.Backend);

    /// <summary>The backend's embedded scripts; the other constructor lets a test add a script that fails.</summary>
    [ActivatorUtilitiesConstructor]
    public MigrationRunner(DbDataSource dataSource, StorageDialect dialect, ILogger<MigrationRunner> logger)
        : this(dataSource, dialect, logger, Migration.LoadEmbedded(dialect.Backend))
    {
    }

    public IReadOnlyList<Migration> Migrations { get; } = migrations;

    public async Task<int> ApplyPendingAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        if (!await _history.LockAsync(connection, cancellationToken))
        {
            throw new TimeoutException("Another instance held the migration lock for too long.");
        }

        try
        {
            await ExecuteAsync(connection, null, _history.CreateTableSql, cancellationToken);
            var applied = await ReadAppliedAsync(connection, cancellationToken);
            var count = 0;
            foreach (var migration in Migrations)
            {
                if (applied.TryGetValue(migration.Version, out var row))
                {
                    if (row.Checksum != migration.Checksum)
                    {
                        Log.MigrationChanged(logger, migration.Version, migration.Name);
                    }

                    continue;
                }

                Log.ApplyingMigration(logger, migration.Version, migration.Name);
                await ApplyAsync(connection, migration, cancellationToken);
                count++;
            }

            return count;
        }
        finally
        {
            await _history.UnlockAsync(connection);
        }
    }

    /// <summary>
    /// Every known migration with when it was applied (null while pending). Changes nothing, not even the history
    /// table on a fresh database, and takes no lock.
    /// </summary>
    public async Task<IReadOnlyList<MigrationState>> ReadStatusAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using (var exists = connection.CreateCommand())
        {
            exists.CommandText = _history.TableExistsSql;
            if (Convert.ToInt64(await exists.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture) == 0)
            {
                return Migrations.Select(m => new MigrationState(m, null, false)).ToList();
            }
        }

        var applied = await ReadAppliedAsync(connection, cancellationToken);
        return Migrations
            .Select(m => applied.TryGetValue(m.Version, out var row)
                ? new MigrationState(m, row.AppliedAt, row.Checksum != m.Checksum)
                : new MigrationState(m, null, false))
            .ToList();
    }

    private static SchemaHistory For(string backend) => backend switch
    {
        Persistence.Contracts.StorageBackends.PostgreSql => new PostgreSqlSchemaHistory(),
        _ => new MySqlSchemaHistory(),
    };

    /// <summary>
    /// Runs one script and records it in the same transaction. MySQL commits DDL implicitly, so there the transaction
    /// cannot undo a half-run script; the record is still written only after the whole script succeeded, and scripts
    /// are written to be re-runnable (IF NOT EXISTS), so the schema version never claims more than what ran and a fixed
    /// script can simply run again. PostgreSQL's DDL is transactional: a failed script leaves nothing behind.
    /// </summary>
    private async Task ApplyAsync(DbConnection connection, Migration migration, CancellationToken cancellationToken)
    {
        try
        {
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            await ExecuteAsync(connection, transaction, migration.Sql, cancellationToken);
            await using (var record = connection.CreateCommand())
            {
                record.Transaction = transaction;
                record.CommandText = _history.RecordSql;
                record.AddParameter("@version", migration.Version).AddParameter("@name", migration.Name).AddParameter("@checksum", migration.Checksum);
                await record.ExecuteNonQueryAsync(cancellationToken);
            }

            await transaction.CommitAsync(cancellationToken);
        }
        catch (DbException ex) when (!dialect.IsUnreachable(ex))
        {
            throw new MigrationFailedException(migration, ex);
        }
    }

    private static async Task ExecuteAsync(DbConnection connection, DbTransaction? transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task<Dictionary<int, (string Checksum, DateTime AppliedAt)>> ReadAppliedAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        var applied = new Dictionary<int, (string Checksum, DateTime AppliedAt)>();
        await using var select = connection.CreateCommand();
        select.CommandText = "SELECT version, checksum, applied_at FROM schema_migrations";
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            applied[reader.GetInt32(0)] = (reader.GetString(1), reader.GetDateTime(2));
        }

        return applied;
    }
}

public sealed record MigrationState(Migration Migration, DateTime? AppliedAt, bool ChangedSinceApplied);

/// <summary>A script the database refused; it was not recorded as applied.</summary>
public sealed class MigrationFailedException(Migration migration, DbException inner)
    : Exception($"Migration {migration.Version:D4}_{migration.Name} failed and was not recorded as applied: {inner.Message}", inner)
{
    public Migration Migration { get; } = migration;
}
