using Npgsql;
using Persistence.Contracts;

namespace Persistence.Storage.PostgreSql;

/// <summary>
/// PostgreSQL, by SQLSTATE: class 22 (data exception) and 23 (integrity constraint) are the data's fault. JSON columns
/// are <c>json</c> (kept as sent, as MariaDB keeps them), so a containment test casts to <c>jsonb</c>.
/// </summary>
public sealed class PostgreSqlDialect : StorageDialect
{
    /// <summary>undefined_table: the workers have not run their first migration yet.</summary>
    private const string UndefinedTable = "42P01";

    public override string DisplayName => "PostgreSQL";

    public override string Backend => StorageBackends.PostgreSql;

    /// <summary>The tables' timestamps are <c>timestamptz</c>; every session runs in UTC (see the data source's registration).</summary>
    public override string UtcNow => "clock_timestamp()";

    public override bool IsUnreachable(Exception exception) => exception is NpgsqlException { IsTransient: true };

    public override bool IsUnavailable(Exception exception) =>
        IsUnreachable(exception) || exception is PostgresException { SqlState: UndefinedTable };

    protected override bool RefusesData(Exception exception) =>
        exception is PostgresException server && (server.SqlState.StartsWith("22", StringComparison.Ordinal) || server.SqlState.StartsWith("23", StringComparison.Ordinal));

    public override string JsonArrayContains(string column, string parameter) => $"{column}::jsonb @> jsonb_build_array({parameter}::text)";
}
