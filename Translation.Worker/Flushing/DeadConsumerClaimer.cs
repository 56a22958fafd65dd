using Persistence.Contracts;
using StackExchange.Redis;

namespace Translation.Worker.Flushing;

/// <summary>
/// Finds the consumers of one stream whose heartbeat has expired, takes their pending entries over for this
/// consumer, and removes them from the group once they hold nothing, so neither their entries wait out the claim
/// idle time nor do the names of dead processes (a name without a stable slot is new at every start) pile up.
/// A consumer whose heartbeat is fresh is never touched, however long it takes over its batch.
/// </summary>
internal sealed class DeadConsumerClaimer(string stream, IDatabase redis, FlushOptions options, ILogger logger)
{
    /// <summary>
    /// Removes a consumer only if it holds no entry at that very moment: XGROUP DELCONSUMER drops whatever it holds
    /// from the group, and those entries would never be flushed. The heartbeat was checked just before, outside the
    /// script: on a Redis Cluster the heartbeat keys and a shard sit in different slots. Should the consumer have come
    /// back in between, removing it loses nothing (it holds nothing), and its next read adds it again.
    /// </summary>
    private static readonly LuaScript ForgetScript = LuaScript.Prepare(
        """
        if #redis.call('XPENDING', @stream, @group, '-', '+', 1, @consumer) > 0 then return -1 end
        return redis.call('XGROUP', 'DELCONSUMER', @stream, @group, @consumer)
        """);

    /// <summary>Takes over up to a batch of entries of dead consumers; the caller processes them as redeliveries.</summary>
    public async Task<IReadOnlyList<StreamEntry>> ClaimAsync()
    {
        var claimed = new List<StreamEntry>();
        var consumers = await redis.StreamConsumerInfoAsync(stream, PersistenceStreams.ConsumerGroup);
        foreach (var consumer in consumers)
        {
            // Idle as long as a heartbeat lasts: a consumer that has just started reading before its first
            // heartbeat landed is not dead.
            if (consumer.Name == options.ConsumerName || consumer.IdleTimeInMilliseconds < options.HeartbeatTtlMs
                || await redis.KeyExistsAsync(ConsumerHeartbeat.Key(consumer.Name)))
            {
                continue;
            }

            if (consumer.PendingMessageCount == 0)
            {
                await ForgetAsync(consumer.Name);
                continue;
            }

            if (claimed.Count >= options.BatchSize)
            {
                continue;
            }

            var pending = await redis.StreamPendingMessagesAsync(
                stream, PersistenceStreams.ConsumerGroup, options.BatchSize - claimed.Count, consumer.Name);
            if (pending.Length == 0)
            {
                continue;
            }

            // The minimum idle time makes the claim lose any race with the owner, should it be alive after all.
            // Counted as a delivery: the entry may be what killed the consumer.
            var entries = (await redis.StreamClaimAsync(
                    stream, PersistenceStreams.ConsumerGroup, options.ConsumerName, options.HeartbeatTtlMs, [.. pending.Select(p => p.MessageId)]))
                .Where(e => !e.IsNull)
                .ToList();
            if (entries.Count > 0)
            {
                Log.ClaimedFromDeadConsumer(logger, stream, entries.Count, consumer.Name);
                claimed.AddRange(entries);
            }
        }

        return claimed;
    }

    private async Task ForgetAsync(string consumer)
    {
        try
        {
            var removed = await redis.ScriptEvaluateAsync(ForgetScript, new
            {
                stream = (RedisKey)stream,
                group = PersistenceStreams.ConsumerGroup,
                consumer,
            });
            if ((long)removed >= 0)
            {
                Log.ForgotDeadConsumer(logger, stream, consumer);
            }
        }
        catch (RedisServerException)
        {
            // Removed by another worker meanwhile, or refused; the next check tries again.
        }
    }
}
