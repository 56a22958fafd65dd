using System.Globalization;
using System.Net;
using MySqlConnector;
using Persistence.Contracts;
using StackExchange.Redis;

namespace Integration.Tests;

/// <summary>Changing the shard count of a running stack, under load: the drain-then-switch of the reshard command.</summary>
[Collection(IsolatedStackDefinition.Name)]
public sealed class ReshardTests(IsolatedStackFixture stack)
{
    private const int Ids = 300;

    [Fact]
    public async Task Switching_the_shard_count_under_load_loses_nothing_and_leaves_every_record_at_its_newest_state()
    {
        var prefix = Records.Prefix();
        var newest = new int[Ids];
        using var stopWriting = new CancellationTokenSource();
        var refused = 0;
        var writer = Task.Run(async () =>
        {
            // Every round sends each id a newer state; a refused round is resent as it is, as a client must.
            for (var round = 1; !stopWriting.IsCancellationRequested; round++)
            {
                var batch = Enumerable.Range(0, Ids)
                    .Select(i => Records.Task($"{prefix}-t{i}", $"{prefix}-s", "processing", round, Version(round)))
                    .ToList();
                while (true)
                {
                    using var response = await stack.PostTasksAsync(batch);
                    if (response.StatusCode == HttpStatusCode.Accepted)
                    {
                        break;
                    }

                    Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
                    Interlocked.Increment(ref refused);
                    await Task.Delay(100);
                }

                Array.Fill(newest, round);
            }
        });

        await Task.Delay(1500);
        var (toFour, fourOutput) = await ReshardAsync(4);
        await Task.Delay(1500);
        var (toOne, oneOutput) = await ReshardAsync(1);
        await Task.Delay(1000);
        await stopWriting.CancelAsync();
        await writer;
        await stack.FlushAsync(120_000);

        Assert.True(toFour == 0, fourOutput);
        Assert.True(toOne == 0, oneOutput);
        await using var redis = await ConnectionMultiplexer.ConnectAsync(stack.RedisConnectionString);
        var layout = await StreamLayout.ReadAsync(redis.GetDatabase(), StreamShards.DefaultCount);
        Assert.Equal((1, false), (layout.Active.Count, layout.Switching));
        // The four-shard layout really took records between the two switches.
        foreach (var shard in new StreamShards(4).Of(PersistenceStreams.Tasks))
        {
            Assert.True(await stack.EntriesAddedAsync(shard) > 0, $"{shard} took nothing");
        }

        await using var db = stack.OpenDatabase();
        var stored = await VersionsAsync(db, prefix);
        Assert.Equal(Ids, stored.Count);
        Assert.All(Enumerable.Range(0, Ids), i => Assert.Equal(Version(newest[i]), stored[$"{prefix}-t{i}"]));
        Console.WriteLine($"reshard under load: {newest[0]} rounds of {Ids} tasks, {refused} refused (503) during the switches");
    }

    [Fact]
    public async Task A_batch_that_meets_a_sealed_shard_is_refused_whole()
    {
        await using var redis = await ConnectionMultiplexer.ConnectAsync(stack.RedisConnectionString);
        var database = redis.GetDatabase();
        var shards = await stack.ShardsAsync(PersistenceStreams.Tasks);
        var prefix = Records.Prefix();
        var tasks = Records.Tasks(prefix, 50);
        var before = await stack.EntriesAddedAsync(PersistenceStreams.Tasks);

        await database.StringSetAsync(StreamShards.SealKey(shards[^1]), "1");
        try
        {
            using var response = await stack.PostTasksAsync(tasks);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            Assert.NotNull(response.Headers.RetryAfter);
            Assert.Equal(before, await stack.EntriesAddedAsync(PersistenceStreams.Tasks));
        }
        finally
        {
            await database.KeyDeleteAsync(StreamShards.SealKey(shards[^1]));
        }

        using var resent = await stack.PostTasksAsync(tasks);
        Assert.Equal(HttpStatusCode.Accepted, resent.StatusCode);
        // One entry per request and shard: the 50 tasks reach every shard of the few the stack runs (odds of missing one < 10^-6).
        Assert.Equal(before + shards.Count, await stack.EntriesAddedAsync(PersistenceStreams.Tasks));
    }

    [Fact]
    public async Task A_dead_letter_replayed_into_a_sealed_shard_is_answered_503_with_Retry_After_and_stays_a_dead_letter()
    {
        await using var redis = await ConnectionMultiplexer.ConnectAsync(stack.RedisConnectionString);
        var database = redis.GetDatabase();
        var prefix = Records.Prefix();
        var id = (await database.StreamAddAsync(PersistenceStreams.DeadLetters,
        [
            new(PersistenceStreams.Fields.SourceStream, PersistenceStreams.Tasks),
            new(PersistenceStreams.Fields.SourceId, "1-0"),
            new(PersistenceStreams.Fields.Reason, "Delivered 21 times without a commit; it may crash workers."),
            new(PersistenceStreams.Fields.Record, System.Text.Json.JsonSerializer.Serialize(Records.Task($"{prefix}-t0", $"{prefix}-s"))),
        ])).ToString();
        var shards = await stack.ShardsAsync(PersistenceStreams.Tasks);

        // Sealed as a switch or a restore seals them, whichever shard the record hashes to.
        await Task.WhenAll(shards.Select(s => database.StringSetAsync(StreamShards.SealKey(s), "1")));
        try
        {
            foreach (var path in (string[])[$"{ApiRoutes.Persistence.DeadLetters}/{id}/replay", ApiRoutes.Persistence.DeadLettersReplayAll])
            {
                using var response = await stack.Gateway.PostAsync(path, null);
                Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
                Assert.NotNull(response.Headers.RetryAfter);
                Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
                Assert.Contains("sealed", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            }

            Assert.Single(await database.StreamRangeAsync(PersistenceStreams.DeadLetters, id, id));
        }
        finally
        {
            await Task.WhenAll(shards.Select(s => database.KeyDeleteAsync(StreamShards.SealKey(s))));
        }

        using var replayed = await stack.Gateway.PostAsync($"{ApiRoutes.Persistence.DeadLetters}/{id}/replay", null);
        Assert.Equal(HttpStatusCode.OK, replayed.StatusCode);
    }

    private static string Version(int round) => "v" + round.ToString(CultureInfo.InvariantCulture);

    private Task<(int ExitCode, string Output)> ReshardAsync(int shards) =>
        stack.RunWorkerCommandAsync(
            "reshard", "--to", shards.ToString(CultureInfo.InvariantCulture), "--timeout-seconds", "90",
            $"--ConnectionStrings:{StackResources.Redis}={stack.RedisConnectionString}");

    private static async Task<Dictionary<string, string>> VersionsAsync(MySqlConnection db, string prefix)
    {
        await using var command = new MySqlCommand(
            "SELECT task_id, translated_text FROM translation_tasks WHERE task_id LIKE CONCAT(@prefix, '-%')", db);
        command.Parameters.AddWithValue("@prefix", prefix);
        var versions = new Dictionary<string, string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            versions[reader.GetString(0)] = reader.GetString(1);
        }

        return versions;
    }
}
