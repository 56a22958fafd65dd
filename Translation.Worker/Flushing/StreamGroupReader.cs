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
    /// <summary>Entries asked for per XREADGROUP: a batch entry holds a whole request, so replies stay a few MB.</summary>
    private const int MaxEntriesPerCall = 4_000;

    private long _recordsPerEntry = 1;

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

    /// <summary>Records the next read gathers: <see cref="FlushOptions.BatchSize"/>, doubled after each full read.</summary>
    public int Window { get; private set; } = options.BatchSize;

    /// <summary>True when the last read filled its window, so more is waiting.</summary>
    public bool LastReadWasFull { get; private set; }

    /// <summary>
    /// Reads new entries until the window is full, the batch delay has passed, or the stream is drained and the
    /// oldest entry in hand has been held <see cref="FlushOptions.CoalesceHoldMs"/>. A full read grows the window, up
    /// to <see cref="FlushOptions.MaxReadRecords"/>; a partial one sets it back.
    /// </summary>
    public async Task<List<StreamEntry>> GatherAsync(CancellationToken cancellationToken)
    {
        var batch = new List<StreamEntry>();
        var window = Window;
        var records = 0L;
        var deadline = time.GetUtcNow().AddMilliseconds(Math.Max(options.MaxBatchDelayMs, options.CoalesceHoldMs));
        while (records < window)
        {
            // Asked for by the records per entry seen so far, so a read of batch entries does not overshoot its window.
            var wanted = Math.Clamp((window - records) / _recordsPerEntry, 1, MaxEntriesPerCall);
            var entries = await ReadAsync(StreamPosition.NewMessages, (int)wanted);
            batch.AddRange(entries);
            foreach (var entry in entries)
            {
                records += EntryItems.CountOf(entry);
            }

            if (time.GetUtcNow() >= deadline)
            {
                break;
            }

            if (entries.Length == 0)
            {
                if (batch.Count == 0 || HeldLongEnough(batch[0]))
                {
                    break;
                }

                // Stopping ends the hold, never the read: what is in hand is already delivered to this consumer.
                await Task.Delay(TimeSpan.FromMilliseconds(options.IdlePollIntervalMs), time, cancellationToken)
                    .ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                if (cancellationToken.IsCancellationRequested)
                {
                    break;
                }
            }
        }

        if (batch.Count > 0)
        {
            _recordsPerEntry = Math.Max(1, records / batch.Count);
        }

        LastReadWasFull = records >= window;
        Window = LastReadWasFull ? Math.Min(window * 2, options.MaxReadRecords) : options.BatchSize;
        return batch;
    }

    private bool HeldLongEnough(StreamEntry oldest) =>
        options.CoalesceHoldMs == 0
        || time.GetUtcNow().ToUnixTimeMilliseconds() - (long)StreamId.Parse(oldest.Id).Milliseconds >= options.CoalesceHoldMs;

    private Task<StreamEntry[]> ReadAsync(RedisValue position, int count) =>
        UntracedPoll.RunAsync(() => redis.StreamReadGroupAsync(stream, PersistenceStreams.ConsumerGroup, options.ConsumerName, position, count));
}
