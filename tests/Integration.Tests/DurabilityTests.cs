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
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var appender = new StreamAppender(
            redis,
            Options.Create(new IngestOptions { MinReplicaAcks = 1, DurabilityTimeoutMs = 100 }),
            new StorageMetrics(services.GetRequiredService<IMeterFactory>()));
        var record = new SessionRecord { SessionId = $"{Records.Prefix()}-s", Status = "pending", SourceLang = "en", TargetLangs = ["fr"], CreatedAt = Records.Created, UpdatedAt = Records.Created };

        var layout = await StreamLayout.ReadAsync(redis.GetDatabase(), StreamShards.DefaultCount);

        var error = await Assert.ThrowsAsync<DurabilityTimeoutException>(() => appender.AppendAsync(
            StreamBatch.Sharded(layout.Active, PersistenceStreams.Sessions, [record], r => r.SessionId, [JsonSerializer.SerializeToUtf8Bytes(record, PersistenceJsonContext.Default.SessionRecord)])));

        Assert.Contains("0 of 1 replicas", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Fsync_strict_mode_refuses_to_start_against_a_Redis_without_WAITAOF()
    {
        await using var redis = await ConnectionMultiplexer.ConnectAsync(stack.RedisConnectionString);
        var version = redis.GetServer(redis.GetEndPoints()[0]).Version;
        var check = new DurabilityCheck(redis, Options.Create(new IngestOptions { WaitForFsync = true }), NullLogger<DurabilityCheck>.Instance);

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
}
