using Persistence.Contracts;
using StackExchange.Redis;

namespace Translation.Worker.Flushing;

/// <summary>
/// Acknowledges entries once their fate is decided (committed, superseded by a committed state, or dead-lettered),
/// and keeps the stream's backlog counter in step. A Redis over its maxmemory refuses every command that may allocate
/// (and a MULTI holding one, whole), but still takes XACK, which frees memory; so the acknowledgement goes alone, and
/// the statistics follow on their own (<see cref="FlushStatistics"/>). Were they in one transaction, a full Redis could
/// never be emptied by the workers.
/// </summary>
internal sealed class StreamAcknowledger(string stream, IDatabase redis, RedisRetry retry, FlushStatistics statistics, ILogger logger)
{
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

        await statistics.FlushedAsync(committed, elapsed);
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
}
