using StackExchange.Redis;

namespace Persistence.Contracts;

/// <summary>Where one stream stands: what was appended, what the consumer group took, what it still holds.</summary>
public sealed record StreamProgress(
    string Stream,
    long Length,
    StreamId LastGeneratedId,
    bool GroupExists,
    StreamId LastDeliveredId,
    long Pending,
    StreamId? LowestPendingId,
    long? Lag,
    int Consumers)
{
    /// <summary>
    /// Entries accepted and not yet committed. The group's lag is Redis's estimate and can be wrong: after Redis 7.0
    /// reloads its append-only file it may count as unread entries the stream no longer holds. Every uncommitted entry
    /// is still in the stream (only committed ones are trimmed), so the stream's length caps the figure.
    /// </summary>
    public long Uncommitted => Math.Min(Length, Pending + (Lag ?? Length));

    /// <summary>The stream's <see cref="BacklogCounter"/>: records of batch entries appended and not yet acknowledged.</summary>
    public long CountedRecords { get; init; }

    /// <summary>
    /// Records accepted and not yet committed, what backpressure and the gauges count: the <see cref="BacklogCounter"/>,
    /// or <see cref="Uncommitted"/> entries where more (single-record entries, which it does not count, hold one each).
    /// </summary>
    public long UncommittedRecords => Math.Max(CountedRecords, Uncommitted);

    /// <summary>True once every entry up to <paramref name="target"/> was delivered and acknowledged after its commit.</summary>
    public bool HasCommittedThrough(StreamId target) =>
        target == StreamId.Zero
        || (GroupExists && LastDeliveredId >= target && (Pending == 0 || LowestPendingId > target));

    /// <summary>Reads the streams side by side: with many shards, one after another would multiply the round trips.</summary>
    public static Task<StreamProgress[]> ReadAllAsync(IDatabaseAsync redis, IEnumerable<string> streams) =>
        Task.WhenAll(streams.Select(stream => ReadAsync(redis, stream)));

    public static async Task<StreamProgress> ReadAsync(IDatabaseAsync redis, string stream)
    {
        StreamInfo info;
        var counted = redis.StringGetAsync(BacklogCounter.Key(stream));
        try
        {
            info = await redis.StreamInfoAsync(stream);
        }
        catch (RedisServerException ex) when (ex.Message.Contains("no such key", StringComparison.OrdinalIgnoreCase))
        {
            await counted;
            return new(stream, 0, StreamId.Zero, false, StreamId.Zero, 0, null, 0, 0);
        }

        var records = (await counted).TryParse(out long n) ? Math.Max(0, n) : 0;
        var group = (await redis.StreamGroupInfoAsync(stream))
            .FirstOrDefault(g => g.Name == PersistenceStreams.ConsumerGroup);
        if (group.Name is null)
        {
            return new(stream, info.Length, StreamId.Parse(info.LastGeneratedId), false, StreamId.Zero, 0, null, info.Length, 0) { CountedRecords = records };
        }

        StreamId? lowest = null;
        if (group.PendingMessageCount > 0)
        {
            var pending = await redis.StreamPendingAsync(stream, PersistenceStreams.ConsumerGroup);
            lowest = StreamId.TryParse(pending.LowestPendingMessageId, out var id) ? id : null;
        }

        return new(
            stream,
            info.Length,
            StreamId.Parse(info.LastGeneratedId),
            true,
            StreamId.TryParse(group.LastDeliveredId, out var delivered) ? delivered : StreamId.Zero,
            group.PendingMessageCount,
            lowest,
            group.Lag,
            group.ConsumerCount)
        {
            CountedRecords = records,
        };
    }
}
