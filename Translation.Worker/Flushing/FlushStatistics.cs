using System.Globalization;
using Persistence.Contracts;
using StackExchange.Redis;

namespace Translation.Worker.Flushing;

/// <summary>
/// The stream's counters in the stats hash (flushed, dead-lettered, the last flush), best effort: a Redis that refuses
/// them (it is full) gets them with the next batch instead, so no count is lost and no acknowledgement waits for one.
/// </summary>
internal sealed class FlushStatistics(string stream, IDatabase redis, TimeProvider time, ILogger logger)
{
    private long _unrecordedFlushed;
    private long _unrecordedDeadLettered;

    public Task FlushedAsync(long committed, TimeSpan elapsed)
    {
        Interlocked.Add(ref _unrecordedFlushed, committed);
        return RecordAsync(
        [
            new HashEntry(PersistenceStreams.StatsFields.LastFlushAt(stream), time.GetUtcNow().ToString("O", CultureInfo.InvariantCulture)),
            new HashEntry(PersistenceStreams.StatsFields.LastFlushMilliseconds(stream), (long)elapsed.TotalMilliseconds),
        ]);
    }

    public Task DeadLetteredAsync()
    {
        Interlocked.Increment(ref _unrecordedDeadLettered);
        return RecordAsync([]);
    }

    private async Task RecordAsync(HashEntry[] latest)
    {
        // Lanes settle side by side: each call takes the counts it records, and gives them back when Redis refuses.
        var flushed = Interlocked.Exchange(ref _unrecordedFlushed, 0);
        var deadLettered = Interlocked.Exchange(ref _unrecordedDeadLettered, 0);
        var recorded = false;
        try
        {
            var transaction = redis.CreateTransaction();
            _ = transaction.HashIncrementAsync(PersistenceStreams.Stats, PersistenceStreams.StatsFields.Flushed(stream), flushed);
            _ = transaction.HashIncrementAsync(PersistenceStreams.Stats, PersistenceStreams.StatsFields.DeadLettered(stream), deadLettered);
            if (latest.Length > 0)
            {
                _ = transaction.HashSetAsync(PersistenceStreams.Stats, latest);
            }

            recorded = await transaction.ExecuteAsync();
            if (!recorded)
            {
                Log.StatsDeferred(logger, stream, "transaction not executed");
            }
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            Log.StatsDeferred(logger, stream, ex.Message);
        }
        finally
        {
            if (!recorded)
            {
                Interlocked.Add(ref _unrecordedFlushed, flushed);
                Interlocked.Add(ref _unrecordedDeadLettered, deadLettered);
            }
        }
    }
}
