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
/// draws atomically, on Redis's own clock so gateway clocks need not agree. The buckets of one call must share a
/// hash tag (<c>{...}</c>), so the call touches one hash slot and runs on a Redis Cluster too.
/// </summary>
public sealed class RedisTokenBuckets(
    IOptionsMonitor<RateLimitOptions> options,
    RateLimitMetrics metrics,
    ILogger<RedisTokenBuckets> logger,
    IConnectionMultiplexer? redis = null,
    TimeProvider? timeProvider = null)
{
    /// <summary>An outage is logged at most once per interval per gateway instance; the metric counts every request.</summary>
    public static readonly TimeSpan OutageLogInterval = TimeSpan.FromSeconds(10);

    private readonly TimeProvider _time = timeProvider ?? TimeProvider.System;
    private long _outageLoggedAt = long.MinValue;
    private long _outageSuppressed;

    // A draw passes only when the bucket holds its whole cost, so no key gets more than its burst at once nor more
    // than its rate over time (a batch larger than the burst is refused before it gets here, see
    // RateLimitMiddleware). Only a forced draw (the failure throttle) goes into debt, down to one burst.
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
          local need = math.max(cost, 1)
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
            if (!HashTag(draws[i].Key).SequenceEqual(HashTag(draws[0].Key)))
            {
                throw new ArgumentException(
                    $"The buckets '{draws[0].Key}' and '{draws[i].Key}' have different hash tags; on a Redis Cluster one script call cannot touch both.",
                    nameof(draws));
            }

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
            ReportOutage(settings.FailureMode, ex);
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

    /// <summary>What Redis hashes a key by: the text between the first '{' and the next '}', if not empty.</summary>
    private static ReadOnlySpan<char> HashTag(string key)
    {
        var open = key.IndexOf('{', StringComparison.Ordinal);
        var close = open < 0 ? -1 : key.IndexOf('}', open + 1);
        return close > open + 1 ? key.AsSpan(open + 1, close - open - 1) : key;
    }

    private void ReportOutage(RateLimitFailureMode mode, Exception exception)
    {
        var now = _time.GetTimestamp();
        var last = Interlocked.Read(ref _outageLoggedAt);
        if ((last == long.MinValue || _time.GetElapsedTime(last, now) >= OutageLogInterval)
            && Interlocked.CompareExchange(ref _outageLoggedAt, now, last) == last)
        {
            Log.LimiterUnavailable(logger, mode, Interlocked.Exchange(ref _outageSuppressed, 0), exception);
            return;
        }

        Interlocked.Increment(ref _outageSuppressed);
    }
}
