using StackExchange.Redis;

namespace Translation.Worker.Flushing;

/// <summary>Retries one stream's Redis operations with jittered exponential back-off, logging each failure.</summary>
internal sealed class RedisRetry(string stream, FlushOptions options, TimeProvider time, ILogger logger)
{
    public async Task RunAsync(string operation, Func<Task> action, CancellationToken cancellationToken, int maxAttempts = int.MaxValue)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await action();
                return;
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException && attempt < maxAttempts && !cancellationToken.IsCancellationRequested)
            {
                var delay = Backoff(attempt);
                Log.RedisRetry(logger, stream, operation, delay.TotalMilliseconds, ex);
                await Task.Delay(delay, time, cancellationToken);
            }
        }
    }

    public TimeSpan Backoff(int attempt) =>
        TimeSpan.FromMilliseconds(Math.Min(options.MaxRetryDelayMs, 50 * Math.Pow(2, Math.Min(attempt, 16))) * (0.8 + (Random.Shared.NextDouble() * 0.4)));
}
