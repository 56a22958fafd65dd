using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Translation.Worker.Flushing;

/// <summary>
/// Keeps a short-lived key per consumer name while this process lives, so other workers can tell a dead consumer
/// (no key) from a slow one (key renewed by this timer, whatever the flushers are busy with) and take over the dead
/// one's entries in seconds. Registered before the flushers, so it stops after they have drained; then the key is
/// deleted and whatever is still pending under this name is handed over at once.
/// </summary>
internal sealed class ConsumerHeartbeat(IConnectionMultiplexer redis, TimeProvider time, IOptions<FlushOptions> options, ILogger<ConsumerHeartbeat> logger)
    : BackgroundService
{
    private readonly FlushOptions _options = options.Value;
    private bool _failing;

    /// <summary>The key that says <paramref name="consumer"/> is alive; in the streams' hash slot, for scripts that read both.</summary>
    public static RedisKey Key(string consumer) => KeyPrefix + consumer;

    /// <summary>What every consumer's key starts with, for a restore that must find any worker still alive.</summary>
    public const string KeyPrefix = "{persistence}:consumer-alive:";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var database = redis.GetDatabase();
        RedisKey[] keys = [.. _options.ConsumerNames().Select(Key)];
        var ttl = TimeSpan.FromMilliseconds(_options.HeartbeatTtlMs);
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(_options.HeartbeatIntervalMs), time);
        try
        {
            do
            {
                await BeatAsync(database, keys, ttl);
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping; StopAsync deletes the key.
        }
    }

    private async Task BeatAsync(IDatabase database, RedisKey[] keys, TimeSpan ttl)
    {
        try
        {
            foreach (var key in keys)
            {
                // PEXPIRE first: unlike SET it is allowed while Redis is over its maxmemory, so a worker that was alive
                // before Redis filled up stays alive.
                if (!await UntracedPoll.RunAsync(() => database.KeyExpireAsync(key, ttl)))
                {
                    await UntracedPoll.RunAsync(() => database.StringSetAsync(key, time.GetUtcNow().ToUnixTimeMilliseconds(), ttl));
                }
            }

            if (_failing)
            {
                _failing = false;
                Log.HeartbeatRestored(logger, _options.ConsumerName);
            }
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            if (!_failing)
            {
                _failing = true;
                Log.HeartbeatFailed(logger, _options.ConsumerName, ex);
            }
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        try
        {
            await redis.GetDatabase().KeyDeleteAsync([.. _options.ConsumerNames().Select(Key)]);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            // Then it expires within HeartbeatTtlMs, and the hand-over waits that long.
        }
    }
}
