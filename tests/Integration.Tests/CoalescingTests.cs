using System.Text;
using System.Text.Json;
using System.Data.Common;
using Persistence.Contracts;
using StackExchange.Redis;

namespace Integration.Tests;

/// <summary>
/// The worker keeps only the newest state of each key of what it reads: many state changes become one row write, an
/// upgraded system drains the entries the previous release wrote one record at a time, and a state MySQL rejects
/// takes the states it superseded to the dead letters with it.
/// </summary>
public abstract class CoalescingTests(StackFixture stack)
{
    [Fact]
    public async Task Every_state_of_a_task_sent_in_one_request_becomes_one_row_write_holding_the_newest()
    {
        const int Keys = 200;
        var prefix = Records.Prefix();
        string[] lifecycle = ["pending", "processing", "failed", "processing", "completed"];
        // Out of order within the body: updated_at decides, not the place in the request.
        var states = Enumerable.Range(0, Keys)
            .SelectMany(i => lifecycle.Select((status, step) => Records.Task($"{prefix}-t{i}", $"{prefix}-s", status, step + 1, status == "completed" ? "done" : null)))
            .OrderBy(_ => Random.Shared.Next())
            .ToList();
        await using var db = stack.OpenStorage();
        // Earlier tests' writes a PostgreSQL server process has not reported yet must not count as this test's.
        var before = await RowWritesAfterAsync(db, 0, 0);

        await Reads.AcceptedAsync(stack.PostTasksAsync(states));
        await stack.FlushAsync();

        var written = await RowWritesAfterAsync(db, before, Keys) - before;
        Assert.Equal(Keys, await StatusCountAsync(db, prefix, "completed"));
        // 1,000 state changes without coalescing; a little room for what else the stack writes meanwhile.
        Assert.InRange(written, Keys, Keys + 100);
    }

    [Fact]
    public async Task Single_record_entries_left_by_the_previous_release_are_drained_beside_batch_entries()
    {
        var prefix = Records.Prefix();
        await using var redis = await ConnectionMultiplexer.ConnectAsync(stack.RedisConnectionString);
        var database = redis.GetDatabase();
        var shards = new StreamShards((await stack.ShardsAsync(PersistenceStreams.Tasks)).Count);
        string Shard(string id) => shards.For(PersistenceStreams.Tasks, id);

        // As the previous release appended them: one entry per record, in a field named "record".
        foreach (var (id, status, second) in new[] { ("t0", "pending", 1), ("t0", "completed", 3), ("t1", "pending", 1), ("t1", "processing", 2) })
        {
            var record = JsonSerializer.Serialize(Records.Task($"{prefix}-{id}", $"{prefix}-s", status, second, status == "completed" ? "done" : null));
            await database.StreamAddAsync(Shard($"{prefix}-{id}"), PersistenceStreams.Fields.Record, record);
        }

        // Then the upgraded API: a middle state of t0 (older than what the old entries hold) and t1's last.
        await Reads.AcceptedAsync(stack.PostTasksAsync(
        [
            Records.Task($"{prefix}-t0", $"{prefix}-s", "processing", 2),
            Records.Task($"{prefix}-t1", $"{prefix}-s", "completed", 3, "done"),
        ]));
        await stack.FlushAsync();

        await using var db = stack.OpenStorage();
        Assert.Equal(2, await StatusCountAsync(db, prefix, "completed"));
        Assert.Equal(2, await Rows.CountAsync(db, "translation_tasks", "task_id", prefix));
    }

    [Fact]
    public async Task A_state_the_database_rejects_takes_the_states_it_superseded_to_the_dead_letters_and_spares_other_keys()
    {
        var prefix = Records.Prefix();
        await using var redis = await ConnectionMultiplexer.ConnectAsync(stack.RedisConnectionString);
        var database = redis.GetDatabase();
        var shard = (await stack.ShardsAsync(PersistenceStreams.Tasks))[0];
        var poison = JsonSerializer.Serialize(Records.Task($"{prefix}-bad", $"{prefix}-s", "completed", 2))
            .Replace("\"completed\"", "\"" + new string('c', 40) + "\"", StringComparison.Ordinal);
        byte[][] items =
        [
            JsonSerializer.SerializeToUtf8Bytes(Records.Task($"{prefix}-bad", $"{prefix}-s", "pending", 1)),
            Encoding.UTF8.GetBytes(poison),
            JsonSerializer.SerializeToUtf8Bytes(Records.Task($"{prefix}-good", $"{prefix}-s", "completed", 2, "done")),
        ];
        // Written straight to the stream, as a buggy or newer producer might: the API would refuse the long status.
        var id = await database.StreamAddAsync(shard,
        [
            new(PersistenceStreams.Fields.Records, EntryItems.Join(items)),
            new(PersistenceStreams.Fields.Count, items.Length),
        ]);

        await stack.FlushAsync();

        await using var db = stack.OpenStorage();
        Assert.Equal(1, await Rows.CountAsync(db, "translation_tasks", "task_id", prefix));
        Assert.Equal(1, await StatusCountAsync(db, prefix, "completed"));
        var ours = (await database.StreamRangeAsync(PersistenceStreams.DeadLetters, "-", "+"))
            .Where(e => e[PersistenceStreams.Fields.SourceId] == id)
            .OrderBy(e => (int)e[PersistenceStreams.Fields.SourceIndex])
            .ToList();
        Assert.Equal([0, 1], ours.Select(e => (int)e[PersistenceStreams.Fields.SourceIndex]));
        Assert.Contains("Superseded by a state of the same key that was dead-lettered", ours[0][PersistenceStreams.Fields.Reason].ToString(), StringComparison.Ordinal);
        Assert.StartsWith($"{stack.DatabaseProduct} rejected", ours[1][PersistenceStreams.Fields.Reason].ToString(), StringComparison.Ordinal);
        // Each dead letter holds its own record, in the single-record format the replay takes.
        Assert.Equal(Encoding.UTF8.GetString(items[0]), ours[0][PersistenceStreams.Fields.Record].ToString());
        Assert.Equal(poison, ours[1][PersistenceStreams.Fields.Record].ToString());
    }

    /// <summary>
    /// Rows the server inserted or updated in the tasks table, the flush path's database work: MariaDB's handler
    /// counters (it has no Innodb_rows_* ones), PostgreSQL's table statistics.
    /// </summary>
    private async Task<long> RowWritesAsync(DbConnection db)
    {
        if (stack.Backend == StorageBackends.PostgreSql)
        {
            return await StorageSql.CountAsync(
                db, "SELECT n_tup_ins + n_tup_upd FROM pg_stat_user_tables WHERE relname = 'translation_tasks'");
        }

        await using var command = StorageSql.Command(db, "SHOW GLOBAL STATUS WHERE Variable_name IN ('Handler_write', 'Handler_update')");
        await using var reader = await command.ExecuteReaderAsync();
        var sum = 0L;
        var found = 0;
        while (await reader.ReadAsync())
        {
            sum += long.Parse(reader.GetString(1), System.Globalization.CultureInfo.InvariantCulture);
            found++;
        }

        Assert.Equal(2, found);
        return sum;
    }

    /// <summary>
    /// The counters once every write made so far is in them. MariaDB counts as it writes; a PostgreSQL server process
    /// reports its counts when idle, within ten seconds (PGSTAT_IDLE_INTERVAL): wait for at least
    /// <paramref name="atLeast"/> writes past <paramref name="before"/>, then past that interval, so none is still unreported.
    /// </summary>
    private async Task<long> RowWritesAfterAsync(DbConnection db, long before, int atLeast)
    {
        if (stack.Backend != StorageBackends.PostgreSql)
        {
            return await RowWritesAsync(db);
        }

        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (await RowWritesAsync(db) - before < atLeast && DateTime.UtcNow < deadline)
        {
            await Task.Delay(250);
        }

        await Task.Delay(TimeSpan.FromSeconds(11));
        return await RowWritesAsync(db);
    }

    private static Task<long> StatusCountAsync(DbConnection db, string prefix, string status) => StorageSql.CountAsync(
        db, "SELECT COUNT(*) FROM translation_tasks WHERE task_id LIKE @prefix AND status = @status", ("@prefix", prefix + "-%"), ("@status", status));
}

[Collection(StackDefinition.Name)]
public sealed class CoalescingTestsOnMySql(StackFixture stack) : CoalescingTests(stack);

[Collection(PostgresStackDefinition.Name)]
public sealed class CoalescingTestsOnPostgres(PostgresStackFixture stack) : CoalescingTests(stack);
