using System.Globalization;
using Persistence.Contracts;
using StackExchange.Redis;

namespace Translation.Worker.Flushing;

/// <summary>
/// Settles entries in Redis once their fate is decided: acknowledges committed ones and moves rejected ones to the
/// dead-letter stream. A Redis over its maxmemory refuses every command that may allocate (and a MULTI holding one,
/// whole), but still takes XACK, which frees memory; so the acknowledgement goes alone, and the statistics follow
/// on their own, best effort, carried over to the next batch while Redis refuses them. Were they in one
/// transaction, a full Redis could never be emptied by the workers.
/// </summary>
internal sealed class StreamAcknowledger(string stream, IDatabase redis, RedisRetry retry, FlushMetrics metrics, TimeProvider time, ILogger logger)
{
    private const int DeadLetterAttempts = 5;

    /// <summary>How long the mark that an entry was dead-lettered outlives the step; far longer than a redelivery takes.</summary>
    private static readonly TimeSpan MarkLifetime = TimeSpan.FromDays(7);

    // KEYS: the dead letters, the mark of this entry. The mark turns a second attempt (after a failure between this and
    // the acknowledgement) into a no-op. "#!lua" makes a full Redis refuse the script before it writes anything.
    private const string DeadLetterLua = """
        #!lua
        if redis.call('SET', KEYS[2], '1', 'NX', 'PX', ARGV[1]) then
          redis.call('XADD', KEYS[1], '*', unpack(ARGV, 2))
          return 1
        end
        return 0
        """;

    private long _unrecordedFlushed;
    private long _unrecordedDeadLettered;

    /// <summary>Acknowledges a committed batch; throws when Redis stays unreachable, and the entries stay pending.</summary>
    public async Task AcknowledgeAsync(IReadOnlyList<RedisValue> ids, TimeSpan elapsed, CancellationToken cancellationToken)
    {
        var acknowledged = 0L;
        // The commit already happened: acknowledge even while shutting down, or the batch is replayed (harmlessly).
        await retry.RunAsync(
            "acknowledge committed batch",
            async () => acknowledged = await redis.StreamAcknowledgeAsync(stream, PersistenceStreams.ConsumerGroup, [.. ids]),
            cancellationToken,
            maxAttempts: 10);
        if (acknowledged < ids.Count)
        {
            Log.AcknowledgedFewer(logger, stream, acknowledged, ids.Count);
        }

        _unrecordedFlushed += ids.Count;
        await RecordAsync(
        [
            new HashEntry(PersistenceStreams.StatsFields.LastFlushAt(stream), time.GetUtcNow().ToString("O", CultureInfo.InvariantCulture)),
            new HashEntry(PersistenceStreams.StatsFields.LastFlushMilliseconds(stream), (long)elapsed.TotalMilliseconds),
        ]);
    }

    /// <summary>Acknowledges an entry that needs no write (it was deleted from the stream while pending).</summary>
    public Task AcknowledgeVanishedAsync(RedisValue id, CancellationToken cancellationToken) =>
        retry.RunAsync("acknowledge vanished entry", () => redis.StreamAcknowledgeAsync(stream, PersistenceStreams.ConsumerGroup, id), cancellationToken);

    /// <summary>
    /// Copies the entry to the dead-letter stream once, then acknowledges it. Not one transaction: on a Redis Cluster
    /// a shard and the dead letters sit in different slots. A failure between the two leaves the entry pending with
    /// its dead letter written and marked, so the retry only acknowledges. Returns false when Redis refuses (it is
    /// full, or down): the entry then stays pending rather than holding up the entries behind it.
    /// </summary>
    public async Task<bool> DeadLetterAsync(StreamEntry entry, string reason, long deliveries, CancellationToken cancellationToken)
    {
        Log.DeadLettered(logger, stream, entry.Id.ToString(), reason);
        var fields = new List<NameValueEntry>
        {
            new(PersistenceStreams.Fields.SourceStream, stream),
            new(PersistenceStreams.Fields.SourceId, entry.Id),
            new(PersistenceStreams.Fields.Reason, reason),
            new(PersistenceStreams.Fields.Deliveries, deliveries),
            new(PersistenceStreams.Fields.DeadLetteredAt, time.GetUtcNow().ToString("O", CultureInfo.InvariantCulture)),
        };
        fields.AddRange(entry.Values.Where(v => v.Name != PersistenceStreams.Fields.SourceStream && v.Name != PersistenceStreams.Fields.SourceId));

        try
        {
            await retry.RunAsync("dead-letter record", async () =>
            {
                var arguments = new RedisValue[1 + (fields.Count * 2)];
                arguments[0] = (long)MarkLifetime.TotalMilliseconds;
                for (var i = 0; i < fields.Count; i++)
                {
                    arguments[1 + (i * 2)] = fields[i].Name;
                    arguments[2 + (i * 2)] = fields[i].Value;
                }

                await redis.ScriptEvaluateAsync(DeadLetterLua, [PersistenceStreams.DeadLetters, DeadLetterMark(entry.Id)], arguments);
                await redis.StreamAcknowledgeAsync(stream, PersistenceStreams.ConsumerGroup, entry.Id);
            }, cancellationToken, DeadLetterAttempts);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            Log.DeadLetterLeftPending(logger, stream, entry.Id.ToString(), ex);
            return false;
        }

        metrics.DeadLettered(stream);
        _unrecordedDeadLettered++;
        await RecordAsync([]);
        return true;
    }

    private RedisKey DeadLetterMark(RedisValue id) => $"{PersistenceStreams.DeadLetters}:written:{stream}:{id}";

    private async Task RecordAsync(HashEntry[] latest)
    {
        var flushed = _unrecordedFlushed;
        var deadLettered = _unrecordedDeadLettered;
        try
        {
            var transaction = redis.CreateTransaction();
            _ = transaction.HashIncrementAsync(PersistenceStreams.Stats, PersistenceStreams.StatsFields.Flushed(stream), flushed);
            _ = transaction.HashIncrementAsync(PersistenceStreams.Stats, PersistenceStreams.StatsFields.DeadLettered(stream), deadLettered);
            if (latest.Length > 0)
            {
                _ = transaction.HashSetAsync(PersistenceStreams.Stats, latest);
            }

            if (!await transaction.ExecuteAsync())
            {
                Log.StatsDeferred(logger, stream, "transaction not executed");
                return;
            }

            _unrecordedFlushed -= flushed;
            _unrecordedDeadLettered -= deadLettered;
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            Log.StatsDeferred(logger, stream, ex.Message);
        }
    }
}
