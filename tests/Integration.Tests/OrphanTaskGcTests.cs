using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using AppHost;
using System.Data.Common;
using Persistence.Contracts;

namespace Integration.Tests;

/// <summary>
/// Tasks whose session is gone: a late replay of an old task state lands after GC deleted its session. No session
/// batch ever reaches such a row, so GC must find it by the task's own age.
/// </summary>
public abstract class OrphanTaskGcTests(StackFixture stack)
{
    [Fact]
    public async Task Gc_collects_a_task_replayed_after_its_session_was_collected_and_keeps_a_recent_orphan()
    {
        var prefix = Records.Prefix();
        var old = new DateTime(2002, 3, 4, 0, 0, 0, DateTimeKind.Utc);
        var session = $"{prefix}-old-completed";
        await using (var db = stack.OpenStorage())
        {
            await ExecuteAsync(db, "INSERT INTO translation_sessions (session_id, status, created_at, updated_at, row_version) VALUES (@id, 'completed', @at, @at, @version)", ("@id", session), ("@at", old), ("@version", Records.OldestRowVersion));
            for (var i = 0; i < 3; i++)
            {
                await InsertTaskAsync(db, $"{session}-t{i}", session, old);
            }
        }

        var (first, firstOutput) = await stack.RunWorkerCommandAsync("gc");
        Assert.True(first == 0, firstOutput);
        await using (var db = stack.OpenStorage())
        {
            Assert.Equal(0L, await CountAsync(db, "SELECT COUNT(*) FROM translation_sessions WHERE session_id = @id", session));
            Assert.Equal(0L, await CountAsync(db, "SELECT COUNT(*) FROM translation_tasks WHERE session_id = @id", session));

            // The late replay: one of its tasks again, with its old updated_at, and a recent orphan (its session not flushed yet).
            await InsertTaskAsync(db, $"{session}-t1", session, old);
            await InsertTaskAsync(db, $"{prefix}-recent-t0", $"{prefix}-recent", DateTime.UtcNow.AddDays(-1));
        }

        using (var dryRun = await stack.Gateway.PostAsync(ApiRoutes.Admin.GarbageCollection + "?dry_run=true", null))
        {
            var report = await dryRun.Content.ReadFromJsonAsync<JsonElement>();
            Assert.True(dryRun.IsSuccessStatusCode, report.ToString());
            Assert.True(report.GetProperty("tasks").GetInt64() >= 1, report.ToString());
        }

        // A chunk of one, so the orphan walk goes through several chunks when other tests left orphans too.
        var (second, secondOutput) = await stack.RunWorkerCommandAsync("gc", "--GarbageCollection:TasksPerChunk=1");
        Assert.True(second == 0, secondOutput);
        await using (var db = stack.OpenStorage())
        {
            Assert.Equal(0L, await CountAsync(db, "SELECT COUNT(*) FROM translation_tasks WHERE task_id = @id", $"{session}-t1"));
            Assert.Equal(1L, await CountAsync(db, "SELECT COUNT(*) FROM translation_tasks WHERE task_id = @id", $"{prefix}-recent-t0"));
        }
    }

    private static Task<int> InsertTaskAsync(DbConnection db, string id, string session, DateTime at) =>
        ExecuteAsync(
            db,
            "INSERT INTO translation_tasks (task_id, session_id, status, created_at, updated_at, row_version) VALUES (@id, @session, 'completed', @at, @at, @version)",
            ("@id", id), ("@session", session), ("@at", at), ("@version", Records.OldestRowVersion));

    private static Task<int> ExecuteAsync(DbConnection db, string sql, params (string Name, object? Value)[] parameters) => StorageSql.ExecuteAsync(db, sql, parameters);

    private static Task<long> CountAsync(DbConnection db, string sql, string id) => StorageSql.CountAsync(db, sql, ("@id", id));
}

[Collection(StackDefinition.Name)]
public sealed class OrphanTaskGcTestsOnMySql(StackFixture stack) : OrphanTaskGcTests(stack);

[Collection(PostgresStackDefinition.Name)]
public sealed class OrphanTaskGcTestsOnPostgres(PostgresStackFixture stack) : OrphanTaskGcTests(stack);
