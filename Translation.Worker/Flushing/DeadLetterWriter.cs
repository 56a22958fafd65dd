using System.Globalization;
using Persistence.Contracts;
using StackExchange.Redis;

namespace Translation.Worker.Flushing;

/// <summary>
/// Sets a record aside in the dead-letter stream, exactly once however often its entry is redelivered, for an
/// operator to inspect, replay or delete. Its entry is acknowledged by <see cref="StreamAcknowledger"/> with the rest
/// of its read.
/// </summary>
internal sealed class DeadLetterWriter(string stream, IDatabase redis, RedisRetry retry, FlushMetrics metrics, FlushStatistics statistics, TimeProvider time, ILogger logger)
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

    /// <summary>
    /// Copies one record to the dead-letter stream once, as a single-record entry naming the entry and place it came
    /// from. The entry is acknowledged with the rest of its read, once all its records are settled: on a Redis Cluster
    /// a shard and the dead letters sit in different slots, so the two are never one transaction. A failure between
    /// them leaves the entry pending with its dead letter written and marked, so the retry skips the copy. Returns
    /// false when Redis refuses (it is full, or down): the entry then stays pending rather than holding up the entries
    /// behind it.
    /// </summary>
    public async Task<bool> DeadLetterAsync<TRecord>(FlushItem<TRecord> item, string reason, CancellationToken cancellationToken)
        where TRecord : class
    {
        var entry = item.Entry;
        var fromBatch = !entry[PersistenceStreams.Fields.Records].IsNull && !item.Raw.IsEmpty;
        Log.DeadLettered(logger, stream, fromBatch ? $"{entry.Id}[{item.Index}]" : entry.Id.ToString(), reason);
        var fields = new List<NameValueEntry>
        {
            new(PersistenceStreams.Fields.SourceStream, stream),
            new(PersistenceStreams.Fields.SourceId, entry.Id),
            new(PersistenceStreams.Fields.Reason, reason),
            new(PersistenceStreams.Fields.Deliveries, item.Deliveries),
            new(PersistenceStreams.Fields.DeadLetteredAt, time.GetUtcNow().ToString("O", CultureInfo.InvariantCulture)),
        };
        if (fromBatch)
        {
            fields.Add(new(PersistenceStreams.Fields.SourceIndex, item.Index));
            fields.Add(new(PersistenceStreams.Fields.Record, item.Raw.ToArray()));
        }

        fields.AddRange(entry.Values.Where(v => !fromBatch || (v.Name != PersistenceStreams.Fields.Records && v.Name != PersistenceStreams.Fields.Count))
            .Where(v => v.Name != PersistenceStreams.Fields.SourceStream && v.Name != PersistenceStreams.Fields.SourceId));

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

                await redis.ScriptEvaluateAsync(DeadLetterLua, [PersistenceStreams.DeadLetters, DeadLetterMark(entry.Id, fromBatch ? item.Index : null)], arguments);
            }, cancellationToken, DeadLetterAttempts);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            Log.DeadLetterLeftPending(logger, stream, entry.Id.ToString(), ex);
            return false;
        }

        metrics.DeadLettered(stream);
        await statistics.DeadLetteredAsync();
        return true;
    }

    private RedisKey DeadLetterMark(RedisValue id, int? index) =>
        index is { } i ? $"{PersistenceStreams.DeadLetters}:written:{stream}:{id}:{i}" : $"{PersistenceStreams.DeadLetters}:written:{stream}:{id}";
}
