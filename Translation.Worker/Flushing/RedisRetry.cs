using Persistence.Contracts;
using StackExchange.Redis;

namespace Translation.Worker.Flushing;

/// <summary>Retries one stream's Redis operations with jittered exponential back-off, logging each failure.</summary>
internal sealed class RedisRetry(string stream, FlushOptions options, TimeProvider time, ILogger logger)
{
    private static readonly TimeSpan FirstDelay = TimeSpan.FromMilliseconds(100);

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

    /// <summary>From 100 ms after the first failure up to <see cref="FlushOptions.MaxRetryDelayMs"/>.</summary>
    public TimeSpan Backoff(int attempt) =>
        RetryBackoff.Delay(attempt, FirstDelay, TimeSpan.FromMilliseconds(options.MaxRetryDelayMs));
}
