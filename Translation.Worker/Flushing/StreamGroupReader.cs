using Persistence.Contracts;
using StackExchange.Redis;

namespace Translation.Worker.Flushing;

/// <summary>One consumer's reads of one stream through the consumer group: its own pending entries, and new ones.</summary>
/// <remarks>
/// Untraced, as are all the flush path's polls: an idle flusher reads every IdlePollIntervalMs (20 ms), and each read
/// would be a trace of its own. What a read delivers is traced when processed, under the span of the request that
/// appended it.
/// </remarks>
internal sealed class StreamGroupReader(string stream, IDatabase redis, FlushOptions options, TimeProvider time)
{
    public async Task EnsureGroupAsync()
    {
        // Looked up first: creating is refused while Redis is over its maxmemory, even when the group exists, and a
        // worker started then must still be able to drain it.
        if (await redis.KeyExistsAsync(stream)
            && (await redis.StreamGroupInfoAsync(stream)).Any(g => g.Name == PersistenceStreams.ConsumerGroup))
        {
            return;
        }

        try
        {
            // From the stream's very beginning: entries appended before any worker ever ran must be flushed too.
            await redis.StreamCreateConsumerGroupAsync(stream, PersistenceStreams.ConsumerGroup, StreamPosition.Beginning, createStream: true);
        }
        catch (RedisServerException ex) when (ex.Message.StartsWith("BUSYGROUP", StringComparison.Ordinal))
        {
            // Another worker created it first.
        }
    }

    /// <summary>Entries this consumer name was delivered and has not settled: after a restart, they are still its own.</summary>
    public Task<StreamEntry[]> ReadOwnPendingAsync() => ReadAsync(StreamPosition.Beginning, options.BatchSize);

    /// <summary>Reads new entries until the batch is full, the stream is drained, or the batch delay has passed.</summary>
    public async Task<List<StreamEntry>> GatherAsync()
    {
        var batch = new List<StreamEntry>();
        var deadline = time.GetUtcNow().AddMilliseconds(options.MaxBatchDelayMs);
        while (batch.Count < options.BatchSize)
        {
            var entries = await ReadAsync(StreamPosition.NewMessages, options.BatchSize - batch.Count);
            batch.AddRange(entries);
            if (entries.Length == 0 || time.GetUtcNow() >= deadline)
            {
                break;
            }
        }

        return batch;
    }

    private Task<StreamEntry[]> ReadAsync(RedisValue position, int count) =>
        UntracedPoll.RunAsync(() => redis.StreamReadGroupAsync(stream, PersistenceStreams.ConsumerGroup, options.ConsumerName, position, count));
}
