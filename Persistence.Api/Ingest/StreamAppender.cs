using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.Options;
using Persistence.Contracts;
using StackExchange.Redis;

namespace Persistence.Api.Ingest;

/// <summary>
/// Appends validated batches to their streams. On one Redis every stream of a request is written by one script
/// call: either every record is in Redis or none is, so a client that saw an error can resend the whole batch. A
/// Redis Cluster runs one call per hash slot, side by side, each whole or nothing; a failure there may leave some
/// shards appended, and the 503 asks for a resend, which the worker's version-guarded upsert turns into no-ops for
/// the records that did land.
/// </summary>
public sealed class StreamAppender(IConnectionMultiplexer shared, DurableConnection durable, IOptions<IngestOptions> options, StorageMetrics storage)
{
    /// <summary>Appends to several streams at once, for records that only make sense together.</summary>
    public async Task AppendAsync(IReadOnlyList<StreamBatch> batches, string? callerKeyId = null)
    {
        var total = batches.Sum(b => b.Payloads.Count);
        var destination = string.Join(",", batches.Select(b => b.Stream));
        using var activity = PersistenceTelemetry.Streams.StartActivity($"publish {destination}", ActivityKind.Producer);
        activity?.SetTag(PersistenceTelemetry.Tags.MessagingSystem, "redis");
        activity?.SetTag(PersistenceTelemetry.Tags.Destination, destination);
        activity?.SetTag(PersistenceTelemetry.Tags.Operation, "send");
        activity?.SetTag(PersistenceTelemetry.Tags.BatchCount, total);

        var context = Activity.Current;
        var entry = new EntryContext(
            context?.IdFormat == ActivityIdFormat.W3C ? context.Id : null,
            TraceStateBound.Apply(context?.TraceStateString),
            callerKeyId);

        // Strict mode waits on the connection that wrote (see DurableConnection), so it writes there too.
        var settings = options.Value;
        var strict = settings.WaitForFsync || settings.MinReplicaAcks > 0;
        var redis = strict ? await durable.GetAsync() : shared;
        var database = redis.GetDatabase();
        var calls = redis.IsCluster()
            ? [.. batches.GroupBy(b => redis.HashSlot(b.Stream)).Select(g => (IReadOnlyList<StreamBatch>)[.. g])]
            : new[] { batches };

        await storage.MeasureAsync(StorageMetrics.Redis, "append", async () =>
        {
            var appended = await Task.WhenAll(calls.Select(call => AppendScript.RunAsync(database, call, entry)));
            if (appended.Sum() != total)
            {
                throw new RedisException($"Redis reports {appended.Sum()} of the {total} records bound for {destination} appended.");
            }

            if (strict)
            {
                await Task.WhenAll(calls.Select(call => WaitUntilDurableAsync(redis, settings, call[0].Stream)));
            }
        });
    }

    /// <summary>
    /// Strict mode. Both commands wait on the node that holds <paramref name="stream"/> for the writes this
    /// connection sent to it so far. They only wait: a timeout leaves the batch stored on the primary, and the client,
    /// told 503, resends it, which the worker's version guard turns into a no-op.
    /// </summary>
    private static async Task WaitUntilDurableAsync(IConnectionMultiplexer redis, IngestOptions settings, string stream)
    {
        var node = redis.GetServer((RedisKey)stream);
        if (settings.WaitForFsync)
        {
            var acks = (long[])(await node.ExecuteAsync("WAITAOF", 1, settings.MinReplicaAcks, settings.DurabilityTimeoutMs))!;
            if (acks[0] < 1 || acks[1] < settings.MinReplicaAcks)
            {
                throw new DurabilityTimeoutException($"Within {settings.DurabilityTimeoutMs} ms the batch was fsynced by {acks[0]} of 1 primary and {acks[1]} of {settings.MinReplicaAcks} replicas.");
            }
        }
        else
        {
            var replicas = (long)(await node.ExecuteAsync("WAIT", settings.MinReplicaAcks, settings.DurabilityTimeoutMs))!;
            if (replicas < settings.MinReplicaAcks)
            {
                throw new DurabilityTimeoutException($"Within {settings.DurabilityTimeoutMs} ms {replicas} of {settings.MinReplicaAcks} replicas acknowledged the batch.");
            }
        }
    }
}

/// <summary>Serialized records bound for one stream: serialized here (<see cref="Of"/>), or as read and validated.</summary>
public sealed record StreamBatch(string Stream, IReadOnlyList<byte[]> Payloads)
{
    public static StreamBatch Of<T>(string stream, IReadOnlyList<T?> records, JsonTypeInfo<T> typeInfo)
        where T : class =>
        new(stream, [.. records.Select(r => JsonSerializer.SerializeToUtf8Bytes(r!, typeInfo))]);

    /// <summary>
    /// Splits a sharded stream's records (with their bytes as read, one per record) by the shard each id hashes to,
    /// keeping their order within each shard, which is all the order the worker needs: states of one record never go
    /// to two shards.
    /// </summary>
    public static IReadOnlyList<StreamBatch> Sharded<T>(
        StreamShards shards, string stream, IReadOnlyList<T?> records, Func<T, string?> id, IReadOnlyList<byte[]> payloads)
        where T : class =>
        [
            .. records
                .Select((r, i) => (Shard: shards.For(stream, id(r!)), Payload: payloads[i]))
                .GroupBy(r => r.Shard)
                .Select(g => new StreamBatch(g.Key, [.. g.Select(r => r.Payload)])),
        ];
}
