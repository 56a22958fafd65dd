using Persistence.Contracts;
using StackExchange.Redis;

namespace Translation.Worker.Flushing;

/// <summary>
/// Makes reading a shard's new entries key-affine: of all the flushers of all workers, only the one holding the
/// shard's lease reads them, so two flushers never hold different states of one key and each read coalesces all the
/// states it can. Correctness does not rest on it: the version guard keeps the newest state whoever writes, so when
/// the lease cannot be had because Redis refuses or fails, the flusher reads anyway rather than stop draining a full
/// Redis. The lease key sits in the shard's own hash slot.
/// </summary>
internal sealed class ReaderLease(string stream, IDatabase redis, FlushOptions options, TimeProvider time)
{
    // Renew when held by us, take when free. PEXPIRE is allowed over maxmemory, SET is not; a refused take falls back.
    private const string HoldLua = """
        local holder = redis.call('GET', KEYS[1])
        if holder == ARGV[1] then
          redis.call('PEXPIRE', KEYS[1], ARGV[2])
          return 1
        end
        if not holder then
          redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
          return 1
        end
        return 0
        """;

    private const string ReleaseLua = """
        if redis.call('GET', KEYS[1]) == ARGV[1] then
          return redis.call('DEL', KEYS[1])
        end
        return 0
        """;

    private readonly RedisKey _key = Key(stream);
    private DateTimeOffset _renewBy = DateTimeOffset.MinValue;
    private bool _held;

    public static RedisKey Key(string stream) => stream + ":reader";

    /// <summary>True when this flusher may read new entries: it holds the lease (renewed when a third of it is gone).</summary>
    public async Task<bool> HoldAsync()
    {
        if (_held && time.GetUtcNow() < _renewBy)
        {
            return true;
        }

        try
        {
            var ttl = options.ReaderLeaseTtlMs;
            _held = (long)await UntracedPoll.RunAsync(() => redis.ScriptEvaluateAsync(HoldLua, [_key], [options.ConsumerName, ttl])) == 1;
            _renewBy = time.GetUtcNow().AddMilliseconds(ttl / 3.0);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            _held = false;
            return true;
        }

        return _held;
    }

    /// <summary>Hands the lease on at once on shutdown, rather than after it expires.</summary>
    public async Task ReleaseAsync()
    {
        if (!_held)
        {
            return;
        }

        _held = false;
        try
        {
            await redis.ScriptEvaluateAsync(ReleaseLua, [_key], [options.ConsumerName]);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            // It expires on its own.
        }
    }
}
