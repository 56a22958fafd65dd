using System.Text;
using System.Text.Json;
using MySqlConnector;
using Persistence.Contracts;
using StackExchange.Redis;

namespace Integration.Tests;

/// <summary>
/// The worker keeps only the newest state of each key of what it reads: many state changes become one row write, an
/// upgraded system drains the entries the previous release wrote one record at a time, and a state MySQL rejects
/// takes the states it superseded to the dead letters with it.
/// </summary>
[Collection(StackDefinition.Name)]
public sealed class CoalescingTests(StackFixture stack)
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
        await using var db = stack.OpenDatabase();
        var before = await RowWritesAsync(db);

        await Reads.AcceptedAsync(stack.PostTasksAsync(states));
        await stack.FlushAsync();

        var written = await RowWritesAsync(db) - before;
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

        await using var db = stack.OpenDatabase();
        Assert.Equal(2, await StatusCountAsync(db, prefix, "completed"));
        Assert.Equal(2, await Rows.CountAsync(db, "translation_tasks", "task_id", prefix));
    }

    [Fact]
    public async Task A_state_MySQL_rejects_takes_the_states_it_superseded_to_the_dead_letters_and_spares_other_keys()
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

        await using var db = stack.OpenDatabase();
        Assert.Equal(1, await Rows.CountAsync(db, "translation_tasks", "task_id", prefix));
        Assert.Equal(1, await StatusCountAsync(db, prefix, "completed"));
        var ours = (await database.StreamRangeAsync(PersistenceStreams.DeadLetters, "-", "+"))
            .Where(e => e[PersistenceStreams.Fields.SourceId] == id)
            .OrderBy(e => (int)e[PersistenceStreams.Fields.SourceIndex])
            .ToList();
        Assert.Equal([0, 1], ours.Select(e => (int)e[PersistenceStreams.Fields.SourceIndex]));
        Assert.Contains("Superseded by a state of the same key that was dead-lettered", ours[0][PersistenceStreams.Fields.Reason].ToString(), StringComparison.Ordinal);
        Assert.StartsWith("MySQL rejected", ours[1][PersistenceStreams.Fields.Reason].ToString(), StringComparison.Ordinal);
        // Each dead letter holds its own record, in the single-record format the replay takes.
        Assert.Equal(Encoding.UTF8.GetString(items[0]), ours[0][PersistenceStreams.Fields.Record].ToString());
        Assert.Equal(poison, ours[1][PersistenceStreams.Fields.Record].ToString());
    }

    /// <summary>Row writes and updates the server's handlers made (MariaDB has no Innodb_rows_* counters): the flush path's database work.</summary>
    private static async Task<long> RowWritesAsync(MySqlConnection db)
    {
        await using var command = new MySqlCommand("SHOW GLOBAL STATUS WHERE Variable_name IN ('Handler_write', 'Handler_update')", db);
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

    private static async Task<long> StatusCountAsync(MySqlConnection db, string prefix, string status)
    {
        await using var command = new MySqlCommand("SELECT COUNT(*) FROM translation_tasks WHERE task_id LIKE @prefix AND status = @status", db);
        command.Parameters.AddWithValue("@prefix", prefix + "-%");
        command.Parameters.AddWithValue("@status", status);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
