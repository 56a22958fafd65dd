using Persistence.Contracts;
using StackExchange.Redis;

namespace Translation.Worker.Flushing;

/// <summary>
/// Keeps Redis's delivery count of each pending entry meaning "deliveries that ended without a verdict", which is
/// what MaxDeliveries judges: a delivery that crashed its worker counts, one that ended in a refused or unreachable
/// MySQL does not. Without that, every restart and hand-over during a long outage would count, and healthy entries
/// would be dead-lettered as poison once the outage outlasted MaxDeliveries restarts.
/// </summary>
internal sealed class DeliveryLedger(string stream, IDatabase redis, FlushOptions options)
{
    /// <summary>
    /// How often each entry has been delivered, this delivery included (XPENDING's count). Entries no longer pending
    /// to this consumer (taken over meanwhile) are left out. Asked entry by entry in one script: a range query between
    /// the lowest and highest id, bounded by a count, could stop before the last ones when this consumer holds many
    /// other entries in between (resumed and taken-over entries interleave), and an entry left out would count as a
    /// first delivery however often it had crashed a worker.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, long>> CountAsync(IReadOnlyList<StreamEntry> entries)
    {
        if (entries.Count == 0)
        {
            return new Dictionary<string, long>();
        }

        var arguments = new List<RedisValue>(entries.Count + 2) { PersistenceStreams.ConsumerGroup, options.ConsumerName };
        arguments.AddRange(entries.Select(e => (RedisValue)e.Id));
        var counts = (RedisResult[])(await UntracedPoll.RunAsync(() => redis.ScriptEvaluateAsync(CountLua, [stream], [.. arguments])))!;
        var deliveries = new Dictionary<string, long>(entries.Count);
        for (var i = 0; i < entries.Count; i++)
        {
            if ((long)counts[i] > 0)
            {
                deliveries[entries[i].Id.ToString()] = (long)counts[i];
            }
        }

        return deliveries;
    }

    /// <summary>
    /// Takes this delivery of <paramref name="items"/> off their count, since it ended in a transient failure rather
    /// than a crash. Returns how many are still this consumer's. Best effort: with Redis down too, nobody can take
    /// them over meanwhile, and a crash before the next try is counted, as it should be.
    /// </summary>
    public async Task<int> ExcuseAsync<TRecord>(IReadOnlyList<FlushItem<TRecord>> items)
        where TRecord : class
    {
        // A batch entry's records share one delivery count.
        var entries = items.DistinctBy(i => i.Entry.Id).ToList();
        var arguments = new List<RedisValue> { PersistenceStreams.ConsumerGroup, options.ConsumerName, entries.Count };
        arguments.AddRange(entries.Select(i => (RedisValue)i.Entry.Id));
        arguments.AddRange(entries.Select(i => (RedisValue)Math.Max(0, i.Deliveries - 1)));
        try
        {
            return (int)await redis.ScriptEvaluateAsync(ExcuseLua, [stream], [.. arguments]);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            return entries.Count;
        }
    }

    /// <summary>ARGV: group, consumer, then the ids. Returns each id's delivery count, 0 where it is not this consumer's.</summary>
    private const string CountLua =
        """
        local group, consumer = ARGV[1], ARGV[2]
        local counts = {}
        for i = 3, #ARGV do
          local pending = redis.call('XPENDING', KEYS[1], group, ARGV[i], ARGV[i], 1, consumer)
          counts[i - 2] = pending[1] and pending[1][4] or 0
        end
        return counts
        """;

    /// <summary>
    /// For each entry still held by this consumer: idle time back to zero (no one takes over an entry being retried)
    /// and the delivery count back to what it was before this delivery. Entries another consumer has taken over
    /// meanwhile are theirs now and left alone. ARGV: group, consumer, n, then n ids, then their n counts.
    /// </summary>
    private const string ExcuseLua =
        """
        local group, consumer, n = ARGV[1], ARGV[2], tonumber(ARGV[3])
        local kept = 0
        for i = 1, n do
          local id, count = ARGV[3 + i], ARGV[3 + n + i]
          local pending = redis.call('XPENDING', KEYS[1], group, id, id, 1)
          if pending[1] and pending[1][2] == consumer then
            redis.call('XCLAIM', KEYS[1], group, consumer, 0, id, 'RETRYCOUNT', count, 'JUSTID')
            kept = kept + 1
          end
        end
        return kept
        """;
}
