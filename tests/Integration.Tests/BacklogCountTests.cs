using Persistence.Contracts;
using StackExchange.Redis;

namespace Integration.Tests;

/// <summary>
/// A stream entry holds all a request sent to one shard, so the backlog that backpressure and the gauges read is
/// counted in records, exactly, whatever the sizes of the requests, and falls back to zero once they are committed.
/// </summary>
[Collection(StackDefinition.Name)]
public sealed class BacklogCountTests(StackFixture stack)
{
    [Fact]
    public async Task The_backlog_counts_every_record_of_requests_of_any_size_and_returns_to_zero_once_committed()
    {
        var prefix = Records.Prefix();
        await using var redis = await ConnectionMultiplexer.ConnectAsync(stack.RedisConnectionString);
        var database = redis.GetDatabase();
        var shards = await stack.ShardsAsync(PersistenceStreams.Tasks);
        await stack.FlushAsync();

        await using (await TableLock.TakeAsync(stack, "translation_tasks"))
        {
            // Sizes far apart, so no estimate from a few entries' sizes can come out right.
            foreach (var (count, offset) in new[] { (1, 0), (2_500, 1), (7, 2_501) })
            {
                await Reads.AcceptedAsync(stack.PostTasksAsync(Records.Tasks(prefix, count, offset)));
            }

            var progress = await StreamProgress.ReadAllAsync(database, shards);
            Assert.Equal(2_508, progress.Sum(p => p.UncommittedRecords));
            Assert.True(progress.Sum(p => p.Uncommitted) < 2_508, "Each request should be one entry per shard, not one per record.");
        }

        await stack.FlushAsync();
        var after = await StreamProgress.ReadAllAsync(database, shards);
        Assert.Equal(0, after.Sum(p => p.UncommittedRecords));
        foreach (var shard in shards)
        {
            Assert.Equal(0, (long)await database.StringGetAsync(BacklogCounter.Key(shard)));
        }
    }
}
