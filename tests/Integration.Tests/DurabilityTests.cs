using System.Diagnostics.Metrics;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Persistence.Api.Ingest;
using Persistence.Contracts;
using StackExchange.Redis;

namespace Integration.Tests;

/// <summary>Strict mode against the stack's real Redis (one primary, no replicas, Redis 7.0 from Debian).</summary>
[Collection(StackDefinition.Name)]
public sealed class DurabilityTests(StackFixture stack)
{
    [Fact]
    public async Task Waiting_for_a_replica_that_does_not_exist_times_out_instead_of_claiming_durability()
    {
        await using var redis = await ConnectionMultiplexer.ConnectAsync(stack.RedisConnectionString);
        await using var durable = new DurableConnection(redis);
        var appender = Appender(redis, durable, new IngestOptions { MinReplicaAcks = 1, DurabilityTimeoutMs = 100 });

        var error = await Assert.ThrowsAsync<DurabilityTimeoutException>(async () => await appender.AppendAsync(await OneSessionAsync(redis.GetDatabase())));

        Assert.Contains("0 of 1 replicas", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task While_a_batch_waits_for_durability_the_shared_connection_keeps_answering()
    {
        await using var redis = await ConnectionMultiplexer.ConnectAsync(stack.RedisConnectionString);
        await using var durable = new DurableConnection(redis);
        var appender = Appender(redis, durable, new IngestOptions { MinReplicaAcks = 1, DurabilityTimeoutMs = 3000 });
        var batch = await OneSessionAsync(redis.GetDatabase());
        var database = redis.GetDatabase();
        await database.PingAsync();

        // WAIT for a replica that does not exist holds its connection for the whole timeout.
        var waiting = appender.AppendAsync(batch);
        await Task.Delay(300);
        Assert.False(waiting.IsCompleted);

        var ping = await database.PingAsync();

        Assert.True(ping < TimeSpan.FromSeconds(1), $"The shared connection answered a PING in {ping.TotalMilliseconds} ms while a batch waited.");
        Assert.False(waiting.IsCompleted);
        await Assert.ThrowsAsync<DurabilityTimeoutException>(() => waiting);
    }

    [Fact]
    public async Task Fsync_strict_mode_refuses_to_start_against_a_Redis_without_WAITAOF()
    {
        await using var redis = await ConnectionMultiplexer.ConnectAsync(stack.RedisConnectionString);
        var version = redis.GetServer(redis.GetEndPoints()[0]).Version;
        await using var durable = new DurableConnection(redis);
        var check = new DurabilityCheck(durable, Options.Create(new IngestOptions { WaitForFsync = true }), NullLogger<DurabilityCheck>.Instance);

        if (version < new Version(7, 2))
        {
            var error = await Assert.ThrowsAsync<InvalidOperationException>(() => check.StartAsync(CancellationToken.None));
            Assert.Contains("appendfsync always", error.Message, StringComparison.Ordinal);
        }
        else
        {
            await check.StartAsync(CancellationToken.None);
        }
    }

    private static StreamAppender Appender(IConnectionMultiplexer redis, DurableConnection durable, IngestOptions options) =>
        new(redis, durable, Options.Create(options), new StorageMetrics(new ServiceCollection().AddMetrics().BuildServiceProvider().GetRequiredService<IMeterFactory>()));

    private static async Task<IReadOnlyList<StreamBatch>> OneSessionAsync(IDatabase redis)
    {
        var record = new SessionRecord { SessionId = $"{Records.Prefix()}-s", Status = "pending", SourceLang = "en", TargetLangs = ["fr"], CreatedAt = Records.Created, UpdatedAt = Records.Created };
        var layout = await StreamLayout.ReadAsync(redis, StreamShards.DefaultCount);
        return StreamBatch.Sharded(layout.Active, PersistenceStreams.Sessions, [record], r => r.SessionId, [JsonSerializer.SerializeToUtf8Bytes(record, PersistenceJsonContext.Default.SessionRecord)]);
    }
}
