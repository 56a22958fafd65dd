using Persistence.Contracts;
using StackExchange.Redis;
using Translation.Worker.Flushing;

namespace Translation.Worker.Tests;

/// <summary>
/// The delivery count decides when a redelivered entry is poison, so it must be exact for every entry asked about,
/// however many other entries this consumer holds around them.
/// </summary>
[Collection(LocalRedisDefinition.Name)]
public sealed class DeliveryLedgerTests(LocalRedis redis) : IAsyncLifetime
{
    private const string Stream = "ledger-test";

    public Task InitializeAsync() => redis.FlushAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Entries_far_apart_among_many_others_of_the_consumer_get_their_own_delivery_counts()
    {
        var database = redis.Connection.GetDatabase();
        await database.StreamCreateConsumerGroupAsync(Stream, PersistenceStreams.ConsumerGroup, StreamPosition.Beginning, createStream: true);
        for (var i = 0; i < 200; i++)
        {
            await database.StreamAddAsync(Stream, PersistenceStreams.Fields.Record, "{}");
        }

        var options = new FlushOptions { ConsumerName = "worker-a", MaxReadRecords = 1 };
        var read = await database.StreamReadGroupAsync(Stream, PersistenceStreams.ConsumerGroup, options.ConsumerName, ">", 200);
        var first = read[0];
        var last = read[^1];
        // Delivered twice more: the last one three times in all, as after two crashed workers.
        for (var i = 0; i < 2; i++)
        {
            await database.StreamClaimAsync(Stream, PersistenceStreams.ConsumerGroup, options.ConsumerName, 0, [last.Id]);
        }

        var counts = await new DeliveryLedger(Stream, database, options).CountAsync([first, last]);

        Assert.Equal(1, counts[first.Id.ToString()]);
        Assert.Equal(3, counts[last.Id.ToString()]);
    }

    [Fact]
    public async Task An_entry_another_consumer_took_over_is_left_out()
    {
        var database = redis.Connection.GetDatabase();
        await database.StreamCreateConsumerGroupAsync(Stream, PersistenceStreams.ConsumerGroup, StreamPosition.Beginning, createStream: true);
        await database.StreamAddAsync(Stream, PersistenceStreams.Fields.Record, "{}");
        var options = new FlushOptions { ConsumerName = "worker-a" };
        var read = await database.StreamReadGroupAsync(Stream, PersistenceStreams.ConsumerGroup, options.ConsumerName, ">", 10);
        await database.StreamClaimAsync(Stream, PersistenceStreams.ConsumerGroup, "worker-b", 0, [read[0].Id]);

        var counts = await new DeliveryLedger(Stream, database, options).CountAsync(read);

        Assert.Empty(counts);
    }
}
