using Persistence.Contracts;
using StackExchange.Redis;
using Translation.Worker.Flushing;

namespace Translation.Worker.Backup;

/// <summary>
/// Takes the stack out of service for a restore and puts it back. The API replicas stay up, but every append meets
/// the seal of its stream (the reshard's mechanism, checked in the append script itself) and is answered 503 with
/// Retry-After, so no live entry takes an id the restore needs or lands in tables the dump is about to drop. The
/// workers must be stopped: they flush into MySQL, which the dump replaces, and nothing they honour could pause them.
/// </summary>
public sealed class ServiceSeal(IConnectionMultiplexer redis)
{
    /// <summary>Refuses while any worker's heartbeat key says it is alive, naming them.</summary>
    public async Task RefuseWhileWorkersRunAsync()
    {
        var alive = new List<string>();
        foreach (var server in redis.GetServers().Where(s => !s.IsReplica && s.IsConnected))
        {
            await foreach (var key in server.KeysAsync(pattern: ConsumerHeartbeat.KeyPrefix + "*"))
            {
                alive.Add(key.ToString()[ConsumerHeartbeat.KeyPrefix.Length..]);
            }
        }

        if (alive.Count > 0)
        {
            throw new InvalidOperationException(
                $"Refusing to restore while workers are running (alive: {string.Join(", ", alive.Order(StringComparer.Ordinal))}). "
                + "Stop every worker first; a worker stopped by a crash is no longer counted once its heartbeat expires (Flush:HeartbeatTtlMs).");
        }
    }

    /// <summary>Seals <paramref name="streams"/>; returns those that were not sealed before, the only ones to undo on a refusal.</summary>
    public async Task<IReadOnlyList<string>> SealAsync(IEnumerable<string> streams)
    {
        var database = redis.GetDatabase();
        var sealedNow = new List<string>();
        foreach (var stream in streams.Distinct(StringComparer.Ordinal))
        {
            if (await database.StringSetAsync(StreamShards.SealKey(stream), "1", when: When.NotExists))
            {
                sealedNow.Add(stream);
            }
        }

        return sealedNow;
    }

    public async Task UnsealAsync(IEnumerable<string> streams)
    {
        var database = redis.GetDatabase();
        foreach (var stream in streams.Distinct(StringComparer.Ordinal))
        {
            await database.KeyDeleteAsync(StreamShards.SealKey(stream));
        }
    }

    /// <summary>
    /// The streams a restored layout takes appends on: the new shards while a switch is recorded, the active ones
    /// otherwise, and the translation streams. Any other shard stays sealed, as a completed switch leaves it.
    /// </summary>
    public static IEnumerable<string> Writable(StreamLayout layout) =>
        [.. (layout.Next ?? layout.Active).All, PersistenceStreams.TranslationContents, PersistenceStreams.TranslationJobs];
}
