using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.Options;
using Persistence.Contracts;
using StackExchange.Redis;

namespace Persistence.Api.Ingest;

/// <summary>
/// Appends a validated batch to its stream as one MULTI/EXEC transaction: either every record is in Redis or none
/// is, so a client that saw an error can resend the whole batch. A resend that did land twice is harmless because
/// the worker's version-guarded upsert makes replays no-ops.
/// </summary>
public sealed class StreamAppender(IConnectionMultiplexer redis, IOptions<IngestOptions> options, StorageMetrics storage)
{
    public Task AppendAsync<T>(string stream, IReadOnlyList<T?> records, JsonTypeInfo<T> typeInfo, string? callerKeyId = null)
        where T : class =>
        AppendAsync([StreamBatch.Of(stream, records, typeInfo)], callerKeyId);

    /// <summary>Appends to several streams in one transaction, for records that only make sense together.</summary>
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
        var traceParent = context?.IdFormat == ActivityIdFormat.W3C ? context.Id : null;
        var traceState = TraceStateBound.Apply(context?.TraceStateString);

        var transaction = redis.GetDatabase().CreateTransaction();
        var appends = new List<Task<RedisValue>>(total);
        foreach (var batch in batches)
        {
            foreach (var payload in batch.Payloads)
            {
                var fields = new List<NameValueEntry>(4) { new(PersistenceStreams.Fields.Record, payload) };
                if (traceParent is not null)
                {
                    fields.Add(new(PersistenceStreams.Fields.TraceParent, traceParent));
                }

                if (!string.IsNullOrEmpty(traceState))
                {
                    fields.Add(new(PersistenceStreams.Fields.TraceState, traceState));
                }

                if (callerKeyId is not null)
                {
                    fields.Add(new(PersistenceStreams.Fields.Caller, callerKeyId));
                }

                appends.Add(transaction.StreamAddAsync(batch.Stream, [.. fields]));
            }
        }

        await storage.MeasureAsync(StorageMetrics.Redis, "append", async () =>
        {
            if (!await transaction.ExecuteAsync())
            {
                throw new RedisException($"The transaction appending {total} entries to {destination} was not applied.");
            }

            await Task.WhenAll(appends);
            await WaitUntilDurableAsync();
        });
    }

    /// <summary>
    /// Strict mode. Both commands only wait: a timeout leaves the batch stored on the primary, and the client, told
    /// 503, resends it, which the worker's version guard turns into a no-op.
    /// </summary>
    private async Task WaitUntilDurableAsync()
    {
        var settings = options.Value;
        var database = redis.GetDatabase();
        if (settings.WaitForFsync)
        {
            var acks = (long[])(await database.ExecuteAsync("WAITAOF", 1, settings.MinReplicaAcks, settings.DurabilityTimeoutMs))!;
            if (acks[0] < 1 || acks[1] < settings.MinReplicaAcks)
            {
                throw new DurabilityTimeoutException($"Within {settings.DurabilityTimeoutMs} ms the batch was fsynced by {acks[0]} of 1 primary and {acks[1]} of {settings.MinReplicaAcks} replicas.");
            }
        }
        else if (settings.MinReplicaAcks > 0)
        {
            var replicas = (long)(await database.ExecuteAsync("WAIT", settings.MinReplicaAcks, settings.DurabilityTimeoutMs))!;
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
}
