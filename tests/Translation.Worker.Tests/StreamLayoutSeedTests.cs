using Persistence.Contracts;
using StackExchange.Redis;
using Translation.Worker.Sharding;

namespace Translation.Worker.Tests;

/// <summary>
/// Where the layout comes from when Redis holds none: only an empty Redis takes the configured count; one that
/// already has streams keeps the layout they were written in, so no accepted entry is left where no flusher reads.
/// </summary>
[Collection(LocalRedisDefinition.Name)]
public sealed class StreamLayoutSeedTests(LocalRedis redis) : IAsyncLifetime
{
    public Task InitializeAsync() => redis.FlushAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task An_empty_Redis_takes_the_configured_shard_count()
    {
        var layout = await StreamLayout.ReadAsync(redis.Connection.GetDatabase(), 4);

        Assert.Equal((4, false), (layout.Active.Count, layout.Switching));
    }

    [Fact]
    public async Task A_deployment_that_predates_the_layout_key_keeps_its_one_shard_streams_whatever_is_configured()
    {
        var database = redis.Connection.GetDatabase();
        await database.StreamAddAsync(PersistenceStreams.Tasks, PersistenceStreams.Fields.Record, "{}");

        var layout = await StreamLayout.ReadAsync(database, 4);

        Assert.Equal(1, layout.Active.Count);
        Assert.Contains(PersistenceStreams.Tasks, layout.DataStreams);
    }

    [Fact]
    public async Task A_lost_layout_key_is_found_again_from_the_sharded_streams_even_when_only_one_shard_has_entries()
    {
        var database = redis.Connection.GetDatabase();
        await database.StreamAddAsync(StreamShards.Name(PersistenceStreams.Sessions, 2, 3), PersistenceStreams.Fields.Record, "{}");

        var layout = await StreamLayout.ReadAsync(database, 1);

        Assert.Equal(3, layout.Active.Count);
    }

    [Fact]
    public async Task Streams_of_two_layouts_without_a_key_are_refused_rather_than_guessed()
    {
        var database = redis.Connection.GetDatabase();
        await database.StreamAddAsync(PersistenceStreams.Tasks, PersistenceStreams.Fields.Record, "{}");
        await database.StreamAddAsync(StreamShards.Name(PersistenceStreams.Tasks, 0, 2), PersistenceStreams.Fields.Record, "{}");

        var refusal = await Assert.ThrowsAsync<InvalidOperationException>(() => StreamLayout.ReadAsync(database, 1));

        Assert.Contains("1 and 2 shards", refusal.Message, StringComparison.Ordinal);
        Assert.False(await database.KeyExistsAsync(StreamLayout.Key));
    }

    [Fact]
    public async Task A_first_reshard_of_a_pre_shard_deployment_drains_its_streams_instead_of_taking_its_target_as_the_layout()
    {
        var database = redis.Connection.GetDatabase();
        await database.StreamAddAsync(PersistenceStreams.Tasks, PersistenceStreams.Fields.Record, "{}");
        var messages = new List<string>();

        // No worker commits the entry, so the drain cannot finish: the switch must wait for it, not declare it done.
        var drain = await Assert.ThrowsAsync<TimeoutException>(() =>
            new ShardSwitch(redis.Connection, TimeProvider.System).RunAsync(4, TimeSpan.FromMilliseconds(500), messages.Add, CancellationToken.None));

        Assert.Contains("not committed", drain.Message, StringComparison.Ordinal);
        var layout = await StreamLayout.ReadAsync(database, 1);
        Assert.Equal((1, 4), (layout.Active.Count, layout.Next?.Count));
        Assert.True(await database.KeyExistsAsync(StreamShards.SealKey(PersistenceStreams.Tasks)));
    }
}
