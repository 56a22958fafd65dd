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

    public override string PlusSeconds(string timestamp, string seconds) => $"{timestamp} + {seconds} * INTERVAL '1 second'";

    public override string PlusMicroseconds(string timestamp, string microseconds) => $"{timestamp} + {microseconds} * INTERVAL '1 microsecond'";

    public override string OnDuplicateKey(string key, string? assignments) =>
        $"ON CONFLICT ({key}) " + (assignments is null ? "DO NOTHING" : $"DO UPDATE SET {assignments}");

    public override string Inserted(string column) => $"EXCLUDED.{column}";

    /// <summary>The tables' timestamps are <c>timestamptz</c>; every session runs in UTC (see the data source's registration).</summary>
    public override string UtcNow => "clock_timestamp()";

    public override bool IsUnreachable(Exception exception) => exception is NpgsqlException { IsTransient: true };

    public override bool IsUnavailable(Exception exception) =>
        IsUnreachable(exception) || exception is PostgresException { SqlState: UndefinedTable };

    protected override bool RefusesData(Exception exception) =>
        exception is PostgresException server && (server.SqlState.StartsWith("22", StringComparison.Ordinal) || server.SqlState.StartsWith("23", StringComparison.Ordinal));

    public override string JsonArrayContains(string column, string parameter) => $"{column}::jsonb @> jsonb_build_array({parameter}::text)";

    /// <summary>Advisory locks are numbered: the name's 64-bit hash (<c>hashtextextended</c>, stable across versions).</summary>
    public override string TryLockSql => "SELECT pg_try_advisory_lock(hashtextextended(@name, 0))";

    public override string UnlockSql => "SELECT pg_advisory_unlock(hashtextextended(@name, 0))";

    public override string CurrentSchema => "current_schema()";

    public override string QuoteIdentifier(string name) => $"\"{name.Replace("\"", "\"\"", StringComparison.Ordinal)}\"";

    /// <summary>
    /// PostgreSQL's DELETE has no LIMIT: the chunk's keys come from a subquery on the same index range, gathered into an
    /// array first. Joined as <c>key IN (subquery)</c> instead, the planner hashes the keys and scans the whole table for
    /// them once its chunk is a few thousand rows (half a million tasks read to delete 5,000); an array is probed
    /// through the primary key.
    /// </summary>
    public override string DeleteChunk(string table, string key, string condition, string limit, string? orderBy = null) =>
        $"DELETE FROM {table} WHERE {key} = ANY (ARRAY(SELECT {key} FROM {table} WHERE {condition}{(orderBy is null ? "" : $" ORDER BY {orderBy}")} LIMIT {limit}))";
}
