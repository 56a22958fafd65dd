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

    // KEYS: the stream, its backlog counter. ARGV: the group, then per entry its id and the records it counted for.
    // XACK answers 1 only for the first acknowledgement of an entry, so a batch committed twice (taken over, then
    // finished by its stalled holder too) is subtracted once. With nothing delivered-and-unacknowledged and nothing
    // undelivered (a lag of 0; Redis gives none when it cannot tell), nothing is uncommitted: the counter is set to
    // zero, which heals any drift. XINFO GROUPS, not XINFO STREAM: that one copies the first and last entries, whole
    // requests, into the script. "allow-oom": a full Redis must still take acknowledgements, which free memory.
    private const string AcknowledgeLua = """
        #!lua flags=allow-oom
        local function field(list, name)
          for i = 1, #list, 2 do
            if list[i] == name then return list[i + 1] end
          end
        end
        local acknowledged, records = 0, 0
        for i = 2, #ARGV, 2 do
          if redis.call('XACK', KEYS[1], ARGV[1], ARGV[i]) == 1 then
            acknowledged = acknowledged + 1
            records = records + tonumber(ARGV[i + 1])
          end
        end
        local left = redis.call('DECRBY', KEYS[2], records)
        if left < 0 then
          redis.call('SET', KEYS[2], 0)
        elseif left > 0 and redis.call('XPENDING', KEYS[1], ARGV[1])[1] == 0 then
          for _, group in ipairs(redis.call('XINFO', 'GROUPS', KEYS[1])) do
            if field(group, 'name') == ARGV[1] and field(group, 'pending') == 0 and field(group, 'lag') == 0 then
              redis.call('SET', KEYS[2], 0)
            end
          end
        end
        return acknowledged
        """;

    private readonly RedisKey[] _acknowledgeKeys = [stream, BacklogCounter.Key(stream)];
    private long _unrecordedFlushed;
    private long _unrecordedDeadLettered;

    /// <summary>
    /// Acknowledges the entries of a read once every record in them is committed, superseded by a committed state or
    /// dead-lettered; throws when Redis stays unreachable, and the entries stay pending.
    /// </summary>
    public async Task AcknowledgeAsync(IReadOnlyList<StreamEntry> entries, long committed, TimeSpan elapsed, CancellationToken cancellationToken)
    {
        if (entries.Count == 0)
        {
            return;
        }

        var arguments = new RedisValue[1 + (entries.Count * 2)];
        arguments[0] = PersistenceStreams.ConsumerGroup;
        for (var i = 0; i < entries.Count; i++)
        {
            arguments[1 + (i * 2)] = entries[i].Id;
            arguments[2 + (i * 2)] = BacklogCounter.Counted(entries[i]);
        }

        var acknowledged = 0L;
        // The commit already happened: acknowledge even while shutting down, or the batch is replayed (harmlessly).
        await retry.RunAsync(
            "acknowledge committed batch",
            async () => acknowledged = (long)await redis.ScriptEvaluateAsync(AcknowledgeLua, _acknowledgeKeys, arguments),
            cancellationToken,
            maxAttempts: 10);
        if (acknowledged < entries.Count)
        {
            Log.AcknowledgedFewer(logger, stream, acknowledged, entries.Count);
        }

        Interlocked.Add(ref _unrecordedFlushed, committed);
        await RecordAsync(
        [
            new HashEntry(PersistenceStreams.StatsFields.LastFlushAt(stream), time.GetUtcNow().ToString("O", CultureInfo.InvariantCulture)),
            new HashEntry(PersistenceStreams.StatsFields.LastFlushMilliseconds(stream), (long)elapsed.TotalMilliseconds),
        ]);
    }

    /// <summary>
    /// Acknowledges an entry that needs no write (it was deleted from the stream while pending). What it counted for
    /// is gone with it; the backlog counter heals once the group holds nothing uncommitted.
    /// </summary>
    public Task AcknowledgeVanishedAsync(RedisValue id, CancellationToken cancellationToken) =>
        retry.RunAsync(
            "acknowledge vanished entry",
            () => redis.ScriptEvaluateAsync(AcknowledgeLua, _acknowledgeKeys, [PersistenceStreams.ConsumerGroup, id, 0]),
            cancellationToken);

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
        Interlocked.Increment(ref _unrecordedDeadLettered);
        await RecordAsync([]);
        return true;
    }

    private RedisKey DeadLetterMark(RedisValue id, int? index) =>
        index is { } i ? $"{PersistenceStreams.DeadLetters}:written:{stream}:{id}:{i}" : $"{PersistenceStreams.DeadLetters}:written:{stream}:{id}";

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
