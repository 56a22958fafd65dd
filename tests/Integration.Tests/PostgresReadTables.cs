using System.Globalization;
using Npgsql;

namespace Integration.Tests;

/// <summary>
/// The sessions and tasks tables in a schema of their own on the PostgreSQL stack's server, made like the migrated
/// ones (columns, collations, indexes), seeded for one test and dropped after it. The data source is set up as the
/// storage seam sets up its own: every session in UTC.
/// </summary>
public sealed class PostgresReadTables : IAsyncDisposable
{
    public static readonly DateTime Base = new(2031, 5, 6, 7, 8, 9, DateTimeKind.Utc);

    private readonly string _schema = "api_reads_" + Guid.NewGuid().ToString("N")[..12];

    private PostgresReadTables(string connectionString) => ConnectionString = connectionString;

    public string ConnectionString { get; }

    public NpgsqlDataSource DataSource { get; private set; } = null!;

    /// <summary>Twelve sessions with ties on both timestamps (s03/s04 created, s07/s08 updated) and microseconds in each.</summary>
    public IReadOnlyList<SessionRow> Sessions { get; } = [.. Enumerable.Range(1, 12).Select(i => new SessionRow(
        string.Create(CultureInfo.InvariantCulture, $"s{i:D2}"),
        (i % 4) switch { 0 => "completed", 1 => "pending", 2 => "processing", _ => "paused" },
        i % 2 == 0 ? "de" : "en",
        i % 3 == 0 ? "[\"ja\"]" : "[\"fr\", \"zh-CN\"]",
        Base.AddMinutes(i == 4 ? 3 : i).AddTicks(1230),
        Base.AddHours(1).AddMinutes(i == 8 ? -7 : -i).AddTicks(4560)))];

    /// <summary>
    /// s01's tasks, ids in both cases so byte order (upper case first) differs from a linguistic one; and s02's,
    /// which the restore test reads.
    /// </summary>
    public IReadOnlyList<TaskRow> Tasks { get; } =
    [
        new("t-a", "s01", "b1", "pending", "fr"), new("t-B", "s01", "b2", "processing", "ja"),
        new("t-c", "s01", "b1", "completed", "fr"), new("t-D", "s01", "b2", "failed", "ja"),
        new("t-e", "s01", "b1", "pending", "fr"), new("t-F", "s01", "b2", "processing", "fr"),
        new("t-g", "s01", "b1", "cancelled", "ja"),
        new("u-1", "s02", "b3", "pending", "fr"), new("u-2", "s02", "b3", "completed", "fr"), new("u-3", "s02", "b3", "processing", "ja"),
    ];

    public static async Task<PostgresReadTables> CreateAsync(string connectionString)
    {
        var tables = new PostgresReadTables(connectionString);
        await tables.SeedAsync();
        return tables;
    }

    private async Task SeedAsync()
    {
        // The migrations created their tables in the role's current schema; LIKE … INCLUDING ALL copies them with
        // their collations and indexes, so these tables cannot drift from what the worker migrates.
        string migrated;
        await using (var server = NpgsqlDataSource.Create(ConnectionString))
        await using (var current = server.CreateCommand("SELECT current_schema()"))
        {
            migrated = (string)(await current.ExecuteScalarAsync())!;
        }

        DataSource = Open(ConnectionString, _schema);
        await using (var create = DataSource.CreateCommand(
            $"""
            CREATE SCHEMA {_schema};
            CREATE TABLE translation_sessions (LIKE "{migrated}".translation_sessions INCLUDING ALL);
            CREATE TABLE translation_tasks (LIKE "{migrated}".translation_tasks INCLUDING ALL);
            """))
        {
            await create.ExecuteNonQueryAsync();
        }

        foreach (var s in Sessions)
        {
            await using var insert = DataSource.CreateCommand(
                """
                INSERT INTO translation_sessions VALUES
                    (@id, @status, @source, CAST(@targets AS json), 7, 1, 1, CAST(@metadata AS json), @created, @updated, '\x00')
                """);
            insert.Parameters.AddWithValue("id", s.Id);
            insert.Parameters.AddWithValue("status", s.Status);
            insert.Parameters.AddWithValue("source", s.SourceLang);
            insert.Parameters.AddWithValue("targets", s.TargetLangs);
            insert.Parameters.AddWithValue("metadata", $$"""{"n": {{int.Parse(s.Id[1..], CultureInfo.InvariantCulture)}}}""");
            insert.Parameters.AddWithValue("created", s.CreatedAt);
            insert.Parameters.AddWithValue("updated", s.UpdatedAt);
            await insert.ExecuteNonQueryAsync();
        }

        foreach (var t in Tasks)
        {
            await InsertTaskAsync(t);
        }
    }

    public async Task InsertTaskAsync(TaskRow t)
    {
        await using var insert = DataSource.CreateCommand(
            """
            INSERT INTO translation_tasks VALUES
                (@id, @session, @batch, @status, 'en', @target, @text, NULL, NULL, 2, CAST(@metadata AS json), @at, @at, '\x00')
            """);
        insert.Parameters.AddWithValue("id", t.Id);
        insert.Parameters.AddWithValue("session", t.SessionId);
        insert.Parameters.AddWithValue("batch", t.BatchId);
        insert.Parameters.AddWithValue("status", t.Status);
        insert.Parameters.AddWithValue("target", t.TargetLang);
        insert.Parameters.AddWithValue("text", "text of " + t.Id);
        insert.Parameters.AddWithValue("metadata", t.Id == "t-a" ? DBNull.Value : $$"""{"id": "{{t.Id}}"}""");
        insert.Parameters.AddWithValue("at", Base);
        await insert.ExecuteNonQueryAsync();
    }

    /// <summary>A data source as the storage seam builds it, its search path on <paramref name="schema"/>.</summary>
    public static NpgsqlDataSource Open(string connectionString, string schema)
    {
        var builder = new NpgsqlDataSourceBuilder(connectionString);
        builder.ConnectionStringBuilder.Timezone = "UTC";
        builder.ConnectionStringBuilder.SearchPath = schema;
        return builder.Build();
    }

    public async ValueTask DisposeAsync()
    {
        await using (var drop = DataSource.CreateCommand($"DROP SCHEMA {_schema} CASCADE"))
        {
            await drop.ExecuteNonQueryAsync();
        }

        await DataSource.DisposeAsync();
    }

    public sealed record SessionRow(string Id, string Status, string SourceLang, string TargetLangs, DateTime CreatedAt, DateTime UpdatedAt);

    public sealed record TaskRow(string Id, string SessionId, string BatchId, string Status, string TargetLang);
}
