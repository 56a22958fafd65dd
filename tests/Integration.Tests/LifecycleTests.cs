using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using AppHost;
using System.Data.Common;
using Translation.Worker.Migrations;
using Persistence.Contracts;

namespace Integration.Tests;

/// <summary>The worker's operator commands and garbage collection, against the stack's database.</summary>
public abstract class LifecycleTests(StackFixture stack)
{
    [Fact]
    public async Task Migrate_status_lists_every_migration_as_applied()
    {
        var (exitCode, output) = await stack.RunWorkerCommandAsync("migrate", "--status");

        Assert.True(exitCode == 0, output);
        Assert.All(Migration.LoadEmbedded(stack.Backend), m => Assert.Contains($"{m.Version:D4}     {m.Name}", output, StringComparison.Ordinal));
        Assert.Contains("0 pending.", output, StringComparison.Ordinal);

        var (again, applied) = await stack.RunWorkerCommandAsync("migrate");
        Assert.True(again == 0, applied);
        Assert.Contains("Applied 0 migration(s).", applied, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Gc_deletes_only_ended_sessions_past_retention_with_their_tasks()
    {
        var prefix = Records.Prefix();
        var old = new DateTime(2001, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        var recent = DateTime.UtcNow.AddDays(-1);
        await using (var db = stack.OpenStorage())
        {
            await InsertSessionAsync(db, $"{prefix}-old-completed", "completed", old, tasks: 5);
            await InsertSessionAsync(db, $"{prefix}-old-failed", "failed", old, tasks: 7);
            await InsertSessionAsync(db, $"{prefix}-old-cancelled", "cancelled", old, tasks: 0);
            await InsertSessionAsync(db, $"{prefix}-old-processing", "processing", old, tasks: 3);
            await InsertSessionAsync(db, $"{prefix}-new-completed", "completed", recent, tasks: 4);
        }

        // The admin endpoint's dry run counts (at least ours; earlier tests may have left old ended sessions) and deletes nothing.
        using (var dryRun = await stack.Gateway.PostAsync(ApiRoutes.Admin.GarbageCollection + "?dry_run=true", null))
        {
            var report = await dryRun.Content.ReadFromJsonAsync<JsonElement>();
            Assert.True(dryRun.IsSuccessStatusCode, report.ToString());
            Assert.True(report.GetProperty("dry_run").GetBoolean());
            Assert.True(report.GetProperty("sessions").GetInt64() >= 3, report.ToString());
            Assert.True(report.GetProperty("tasks").GetInt64() >= 12, report.ToString());
        }

        await using (var db = stack.OpenStorage())
        {
            Assert.Equal(5, await CountAsync(db, "translation_sessions", "session_id", prefix));
        }

        // Tiny batches and chunks, so the run goes through several of each.
        var (exitCode, output) = await stack.RunWorkerCommandAsync("gc", "--GarbageCollection:SessionsPerBatch=2", "--GarbageCollection:TasksPerChunk=3");
        Assert.True(exitCode == 0, output);
        Assert.Contains("Deleted ", output, StringComparison.Ordinal);

        await using (var db = stack.OpenStorage())
        {
            Assert.Equal(
                [$"{prefix}-new-completed", $"{prefix}-old-processing"],
                await ListAsync(db, "SELECT session_id FROM translation_sessions WHERE session_id LIKE CONCAT(@prefix, '-%') ORDER BY session_id", prefix));
            Assert.Equal(
                new[] { ($"{prefix}-new-completed", 4L), ($"{prefix}-old-processing", 3L) },
                (await ListAsync(db, "SELECT CONCAT(session_id, '|', COUNT(*)) FROM translation_tasks WHERE task_id LIKE CONCAT(@prefix, '-%') GROUP BY session_id ORDER BY session_id", prefix))
                    .Select(row => (row.Split('|')[0], long.Parse(row.Split('|')[1], System.Globalization.CultureInfo.InvariantCulture))));
        }
    }

    private static async Task InsertSessionAsync(DbConnection db, string id, string status, DateTime at, int tasks)
    {
        await StorageSql.ExecuteAsync(
            db,
            "INSERT INTO translation_sessions (session_id, status, created_at, updated_at, row_version) VALUES (@id, @status, @at, @at, @version)",
            ("@id", id), ("@status", status), ("@at", at), ("@version", Records.OldestRowVersion));
        for (var i = 0; i < tasks; i++)
        {
            await StorageSql.ExecuteAsync(
                db,
                "INSERT INTO translation_tasks (task_id, session_id, status, created_at, updated_at, row_version) VALUES (@id, @session, 'completed', @at, @at, @version)",
                ("@id", $"{id}-t{i}"), ("@session", id), ("@at", at), ("@version", Records.OldestRowVersion));
        }
    }

    private static Task<long> CountAsync(DbConnection db, string table, string key, string prefix) => Rows.CountAsync(db, table, key, prefix);

    private static async Task<List<string>> ListAsync(DbConnection db, string sql, string prefix)
    {
        await using var command = StorageSql.Command(db, sql, ("@prefix", prefix));
        var rows = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rows.Add(reader.GetString(0));
        }

        return rows;
    }
}

[Collection(StackDefinition.Name)]
public sealed class LifecycleTestsOnMySql(StackFixture stack) : LifecycleTests(stack);

[Collection(PostgresStackDefinition.Name)]
public sealed class LifecycleTestsOnPostgres(PostgresStackFixture stack) : LifecycleTests(stack);
