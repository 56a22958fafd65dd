namespace Persistence.Contracts;

/// <summary>
/// The one back-off every retry loop uses (the SDK's writer, the flush path's Redis and MySQL retries, translation
/// jobs and engine calls): exponential from a base, ±20 % jitter so callers that failed together do not return
/// together, and never past the ceiling.
/// </summary>
public static class RetryBackoff
{
    /// <param name="attempt">The attempt that failed, from 1; the first retry waits about <paramref name="baseDelay"/>.</param>
    /// <param name="jitter">A number in [0, 1); 0.5 means no jitter.</param>
    public static TimeSpan Delay(int attempt, TimeSpan baseDelay, TimeSpan maxDelay, double jitter)
    {
        var exponent = Math.Clamp(attempt - 1, 0, 30);
        var raw = Math.Min(maxDelay.TotalMilliseconds, baseDelay.TotalMilliseconds * Math.Pow(2, exponent));
        var jittered = raw * (0.8 + (0.4 * Math.Clamp(jitter, 0, 1)));
        return TimeSpan.FromMilliseconds(Math.Min(maxDelay.TotalMilliseconds, jittered));
    }

    /// <summary><see cref="Delay(int, TimeSpan, TimeSpan, double)"/> with a random jitter.</summary>
    public static TimeSpan Delay(int attempt, TimeSpan baseDelay, TimeSpan maxDelay) =>
        Delay(attempt, baseDelay, maxDelay, Random.Shared.NextDouble());
}
