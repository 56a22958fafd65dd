using System.Globalization;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Gateway.RateLimits;

/// <summary>
/// One bucket a request draws from, and how much it takes (0 only asks whether one more would pass). A forced draw
/// is taken even when refused, down to a debt of one burst: a client that keeps hammering stays locked out.
/// </summary>
public readonly record struct BucketDraw(string Key, BucketLimit Limit, long Cost, bool Force = false);

public readonly record struct BucketState(BucketLimit Limit, long Remaining, long MillisecondsUntilFull);

/// <summary>The verdict on a set of draws: all of them are taken, or none.</summary>
public sealed record RateDecision(bool Allowed, long RetryAfterMilliseconds, IReadOnlyList<BucketState> Buckets, bool LimiterUnavailable)
{
    public static RateDecision Unmetered { get; } = new(true, 0, [], false);
}

/// <summary>
/// Token buckets kept in Redis, so every gateway instance draws from the same buckets. One Lua script refills and
/// draws atomically, on Redis's own clock so gateway clocks need not agree.
/// </summary>
public sealed class RedisTokenBuckets(
    IOptionsMonitor<RateLimitOptions> options, RateLimitMetrics metrics, ILogger<RedisTokenBuckets> logger, IConnectionMultiplexer? redis = null)
{
    // A cost above the burst passes only from a full bucket and leaves it in debt, so big batches are neither
    // refused forever nor let through more often than the rate allows.
    private const string Script = """
        local now = redis.call('TIME')
        now = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
        local levels = {}
        local allowed = 1
        local retry = 0
        for i = 1, #KEYS do
          local rate = tonumber(ARGV[i * 4 - 3])
          local burst = tonumber(ARGV[i * 4 - 2])
          local cost = tonumber(ARGV[i * 4 - 1])
          local state = redis.call('HMGET', KEYS[i], 'level', 'at')
          local level = tonumber(state[1]) or burst
          local at = tonumber(state[2]) or now
          if now > at then level = math.min(burst, level + (now - at) * rate / 1000) end
          levels[i] = level
          local need = math.min(math.max(cost, 1), burst)
          if level < need then
            allowed = 0
            retry = math.max(retry, math.ceil((need - level) * 1000 / rate))
          end
        end
        local result = { allowed, retry }
        for i = 1, #KEYS do
          local rate = tonumber(ARGV[i * 4 - 3])
          local burst = tonumber(ARGV[i * 4 - 2])
          local cost = tonumber(ARGV[i * 4 - 1])
          local force = ARGV[i * 4] == '1'
          local level = levels[i]
          if (allowed == 1 or force) and cost > 0 then
            level = math.max(level - cost, -burst)
            redis.call('HSET', KEYS[i], 'level', tostring(level), 'at', now)
            redis.call('PEXPIRE', KEYS[i], math.ceil((burst - level) * 1000 / rate) + 1000)
          end
          result[#result + 1] = math.floor(level)
          result[#result + 1] = math.ceil((burst - level) * 1000 / rate)
        end
        return result
        """;

    public async Task<RateDecision> DrawAsync(IReadOnlyList<BucketDraw> draws, CancellationToken cancellationToken)
    {
        var settings = options.CurrentValue;
        if (!settings.Enabled || redis is null)
        {
            // Limits switched off: no Redis is registered, and nothing is metered.
            return RateDecision.Unmetered;
        }

        var keys = new RedisKey[draws.Count];
        var values = new RedisValue[draws.Count * 4];
        for (var i = 0; i < draws.Count; i++)
        {
            keys[i] = settings.KeyPrefix + draws[i].Key;
            values[i * 4] = draws[i].Limit.PerSecond.ToString("R", CultureInfo.InvariantCulture);
            values[(i * 4) + 1] = draws[i].Limit.Burst;
            values[(i * 4) + 2] = draws[i].Cost;
            values[(i * 4) + 3] = draws[i].Force ? 1 : 0;
        }

        RedisResult result;
        try
        {
            result = await redis.GetDatabase()
                .ScriptEvaluateAsync(Script, keys, values)
                .WaitAsync(TimeSpan.FromMilliseconds(settings.RedisTimeoutMs), cancellationToken);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            metrics.LimiterUnavailable(settings.FailureMode);
            Log.LimiterUnavailable(logger, settings.FailureMode, ex);
            return new RateDecision(settings.FailureMode == RateLimitFailureMode.Open, 1000, [], LimiterUnavailable: true);
        }

        var numbers = (long[])result!;
        var buckets = new BucketState[draws.Count];
        for (var i = 0; i < draws.Count; i++)
        {
            buckets[i] = new BucketState(draws[i].Limit, numbers[2 + (i * 2)], numbers[3 + (i * 2)]);
        }

        return new RateDecision(numbers[0] == 1, numbers[1], buckets, LimiterUnavailable: false);
    }
}
