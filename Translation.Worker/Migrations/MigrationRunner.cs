using MySqlConnector;

namespace Translation.Worker.Migrations;

/// <summary>
/// Applies pending migrations under a MySQL named lock, so workers starting together apply each script once and the
/// others wait, then find nothing left to do.
/// </summary>
public sealed class MigrationRunner(MySqlDataSource dataSource, ILogger<MigrationRunner> logger, IReadOnlyList<Migration> migrations)
{
    private const string LockName = "translation.schema_migrations";
    private const int LockTimeoutSeconds = 120;

    /// <summary>The embedded scripts; the other constructor lets a test add a script that fails.</summary>
    [ActivatorUtilitiesConstructor]
    public MigrationRunner(MySqlDataSource dataSource, ILogger<MigrationRunner> logger)
        : this(dataSource, logger, Migration.LoadEmbedded())
    {
    }

    public IReadOnlyList<Migration> Migrations { get; } = migrations;

    public async Task<int> ApplyPendingAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using (var take = new MySqlCommand("SELECT GET_LOCK(@name, @timeout)", connection))
        {
            take.Parameters.AddWithValue("@name", LockName);
            take.Parameters.AddWithValue("@timeout", LockTimeoutSeconds);
            if (Convert.ToInt64(await take.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture) != 1)
            {
                throw new TimeoutException($"Another instance held the migration lock for more than {LockTimeoutSeconds} s.");
            }
        }

        try
        {
            await EnsureHistoryTableAsync(connection, cancellationToken);
            var applied = await ReadAppliedAsync(connection, cancellationToken);
            var count = 0;
            foreach (var migration in Migrations)
            {
                if (applied.TryGetValue(migration.Version, out var checksum))
                {
                    if (checksum != migration.Checksum)
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
            await using var release = new MySqlCommand("SELECT RELEASE_LOCK(@name)", connection);
            release.Parameters.AddWithValue("@name", LockName);
            await release.ExecuteScalarAsync(CancellationToken.None);
        }
    }

    /// <summary>
    /// Every known migration with when it was applied (null while pending). Changes nothing, not even the history
    /// table on a fresh database, and takes no lock.
    /// </summary>
    public async Task<IReadOnlyList<MigrationState>> ReadStatusAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var applied = new Dictionary<int, (string Checksum, DateTime AppliedAt)>();
        await using (var exists = new MySqlCommand(
            "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = 'schema_migrations'", connection))
        {
            if (Convert.ToInt64(await exists.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture) == 0)
            {
                return Migrations.Select(m => new MigrationState(m, null, false)).ToList();
            }
        }

        await using (var select = new MySqlCommand("SELECT version, checksum, applied_at FROM schema_migrations", connection))
        await using (var reader = await select.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                applied[reader.GetInt32(0)] = (reader.GetString(1), reader.GetDateTime(2));
            }
        }

        return Migrations
            .Select(m => applied.TryGetValue(m.Version, out var row)
                ? new MigrationState(m, row.AppliedAt, row.Checksum != m.Checksum)
                : new MigrationState(m, null, false))
            .ToList();
    }

    /// <summary>
    /// Runs one script and records it in the same transaction. MySQL commits DDL implicitly, so for DDL the
    /// transaction cannot undo a half-run script; the record is still written only after the whole script
    /// succeeded, and scripts are written to be re-runnable (IF NOT EXISTS), so the schema version never claims
    /// more than what ran and a fixed script can simply run again.
    /// </summary>
    private static async Task ApplyAsync(MySqlConnection connection, Migration migration, CancellationToken cancellationToken)
    {
        try
        {
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            await using (var apply = new MySqlCommand(migration.Sql, connection, transaction))
            {
                await apply.ExecuteNonQueryAsync(cancellationToken);
            }

            await using (var record = new MySqlCommand(
                "INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (@version, @name, @checksum, UTC_TIMESTAMP(6))",
                connection,
                transaction))
            {
                record.Parameters.AddWithValue("@version", migration.Version);
                record.Parameters.AddWithValue("@name", migration.Name);
                record.Parameters.AddWithValue("@checksum", migration.Checksum);
                await record.ExecuteNonQueryAsync(cancellationToken);
            }

            await transaction.CommitAsync(cancellationToken);
        }
        catch (MySqlException ex) when (!IsConnectionFailure(ex))
        {
            throw new MigrationFailedException(migration, ex);
        }
    }

    /// <summary>Errors worth retrying (the server is away) as opposed to a script MySQL refuses.</summary>
    private static bool IsConnectionFailure(MySqlException ex) =>
        ex.ErrorCode is MySqlErrorCode.UnableToConnectToHost or MySqlErrorCode.CommandTimeoutExpired
        || ex.IsTransient;

    private static async Task EnsureHistoryTableAsync(MySqlConnection connection, CancellationToken cancellationToken)
    {
        await using var create = new MySqlCommand(
            """
            CREATE TABLE IF NOT EXISTS schema_migrations (
                version    INT          NOT NULL PRIMARY KEY,
                name       VARCHAR(200) NOT NULL,
                checksum   CHAR(64)     NOT NULL,
                applied_at DATETIME(6)  NOT NULL
            ) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin
            """,
            connection);
        await create.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task<Dictionary<int, string>> ReadAppliedAsync(MySqlConnection connection, CancellationToken cancellationToken)
    {
        var applied = new Dictionary<int, string>();
        await using var select = new MySqlCommand("SELECT version, checksum FROM schema_migrations", connection);
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            applied[reader.GetInt32(0)] = reader.GetString(1);
        }

        return applied;
    }
}

public sealed record MigrationState(Migration Migration, DateTime? AppliedAt, bool ChangedSinceApplied);

/// <summary>A script MySQL refused; it was not recorded as applied.</summary>
public sealed class MigrationFailedException(Migration migration, MySqlException inner)
    : Exception($"Migration {migration.Version:D4}_{migration.Name} failed and was not recorded as applied: {inner.Message}", inner)
{
    public Migration Migration { get; } = migration;
}
