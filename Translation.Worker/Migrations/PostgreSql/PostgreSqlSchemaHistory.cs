using System.Buffers.Binary;
using System.Data.Common;
using System.Security.Cryptography;
using System.Text;

namespace Translation.Worker.Migrations.PostgreSql;

/// <summary>The history table and a session advisory lock in PostgreSQL.</summary>
public sealed class PostgreSqlSchemaHistory : SchemaHistory
{
    private static readonly TimeSpan LockPoll = TimeSpan.FromMilliseconds(250);

    /// <summary>Advisory locks are numbered: the name's hash, so no other application's lock is taken by chance.</summary>
    private static readonly long LockKey =
        BinaryPrimitives.ReadInt64BigEndian(SHA256.HashData(Encoding.UTF8.GetBytes("translation.schema_migrations")));

    public override string CreateTableSql =>
        """
        CREATE TABLE IF NOT EXISTS schema_migrations (
            version    INTEGER      NOT NULL PRIMARY KEY,
            name       VARCHAR(200) NOT NULL,
            checksum   CHAR(64)     NOT NULL,
            applied_at TIMESTAMPTZ  NOT NULL
        )
        """;

    public override string TableExistsSql => "SELECT COUNT(*) FROM pg_catalog.pg_tables WHERE schemaname = current_schema() AND tablename = 'schema_migrations'";

    public override string RecordSql =>
        "INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (@version, @name, @checksum, clock_timestamp())";


    public override async Task<bool> LockAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        // pg_advisory_lock would wait without a bound; polling the try form bounds it as GET_LOCK's timeout does.
        var deadline = DateTime.UtcNow + LockTimeout;
        while (await ScalarAsync(connection, "SELECT pg_try_advisory_lock(@key)", "@key", LockKey, cancellationToken) is not true)
        {
            if (DateTime.UtcNow >= deadline)
            {
                return false;
            }

            await Task.Delay(LockPoll, cancellationToken);
        }

        return true;
    }

    public override async Task UnlockAsync(DbConnection connection) =>
        await ScalarAsync(connection, "SELECT pg_advisory_unlock(@key)", "@key", LockKey, CancellationToken.None);
}
