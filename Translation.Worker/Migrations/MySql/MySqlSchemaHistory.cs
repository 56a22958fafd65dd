using System.Data.Common;
using System.Globalization;

namespace Translation.Worker.Migrations.MySql;

/// <summary>The history table and a named lock (<c>GET_LOCK</c>, held by the session) in MySQL.</summary>
public sealed class MySqlSchemaHistory : SchemaHistory
{
    private const string LockName = "translation.schema_migrations";

    public override string CreateTableSql =>
        """
        CREATE TABLE IF NOT EXISTS schema_migrations (
            version    INT          NOT NULL PRIMARY KEY,
            name       VARCHAR(200) NOT NULL,
            checksum   CHAR(64)     NOT NULL,
            applied_at DATETIME(6)  NOT NULL
        ) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin
        """;

    public override string TableExistsSql =>
        "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = 'schema_migrations'";

    public override string RecordSql =>
        "INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (@version, @name, @checksum, UTC_TIMESTAMP(6))";


    public override async Task<bool> LockAsync(DbConnection connection, CancellationToken cancellationToken) =>
        Convert.ToInt64(
            await ScalarAsync(connection, $"SELECT GET_LOCK(@name, {(int)LockTimeout.TotalSeconds})", "@name", LockName, cancellationToken),
            CultureInfo.InvariantCulture) == 1;

    public override async Task UnlockAsync(DbConnection connection) =>
        await ScalarAsync(connection, "SELECT RELEASE_LOCK(@name)", "@name", LockName, CancellationToken.None);
}
