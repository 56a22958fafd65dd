using MySqlConnector;
using Persistence.Contracts;
using StackExchange.Redis;

namespace Integration.Tests;

/// <summary>
/// Several flushers per stream in every worker (the shared stack runs two per worker) share the stream through the
/// consumer group: one of them at a time reads a shard's new entries (its reader lease), the others take over what a
/// dead or stuck one held. Whoever commits last, the newest state of a record is the one stored.
/// </summary>
[Collection(StackDefinition.Name)]
public sealed class ParallelFlushTests(StackFixture stack)
{
    [Fact]
    public async Task States_of_the_same_records_flushed_by_parallel_flushers_end_with_the_newest_state_of_each()
    {
        const int RecordCount = 2000;
        var prefix = Records.Prefix();
        string[] statuses = ["pending", "processing", "completed"];

        // Each state of each record in its own batch, posted concurrently and in shuffled order, so the states of
        // one record reach different flushers in any order.
        var batches = statuses
            .SelectMany((status, version) => Enumerable.Range(0, RecordCount / 200).Select(chunk => Enumerable.Range(chunk * 200, 200)
                .Select(i => Records.Task($"{prefix}-t{i}", $"{prefix}-s{i / 100}", status, secondsAfterCreation: version + 1))
                .ToList()))
            .OrderBy(_ => Random.Shared.Next())
            .ToList();
        await Task.WhenAll(batches.Select(batch => Reads.AcceptedAsync(stack.PostTasksAsync(batch))));
        await stack.FlushAsync();

        await using var db = stack.OpenDatabase();
        await using var command = new MySqlCommand("SELECT status, COUNT(*) FROM translation_tasks WHERE task_id LIKE @prefix GROUP BY status", db);
        command.Parameters.AddWithValue("@prefix", prefix + "-%");
        var counts = new Dictionary<string, long>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                counts[reader.GetString(0)] = reader.GetInt64(1);
            }
        }

        Assert.Equal(new Dictionary<string, long> { ["completed"] = RecordCount }, counts);

        // Key affinity: each shard's new entries are read by one flusher, named in the shard's reader lease (the key
        // Translation.Worker's ReaderLease keeps), which is one of the stack's flushers.
        await using var redis = await ConnectionMultiplexer.ConnectAsync(stack.RedisConnectionString);
        var flushers = stack.Stack.Workers
            .SelectMany(w => Enumerable.Range(0, StackFixture.FlushersPerStream).Select(i => i == 0 ? w : $"{w}#{i}"))
            .ToHashSet();
        foreach (var shard in await stack.ShardsAsync(PersistenceStreams.Tasks))
        {
            var holder = (string?)await redis.GetDatabase().StringGetAsync(shard + ":reader");
            Assert.True(holder is not null && flushers.Contains(holder), $"The reader lease of {shard} is held by '{holder}'.");
        }
    }
}
