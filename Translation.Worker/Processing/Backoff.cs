namespace Translation.Worker.Processing;

/// <summary>Exponential back-off with jitter, so failed jobs and throttled calls do not retry in lockstep.</summary>
public static class Backoff
{
    /// <param name="attempt">The attempt that failed, from 1.</param>
    /// <param name="jitter">A number in [0, 1); 0.5 means no jitter.</param>
    public static TimeSpan Delay(int attempt, TimeSpan baseDelay, TimeSpan maxDelay, double jitter)
    {
        var exponent = Math.Clamp(attempt - 1, 0, 30);
        var raw = Math.Min(maxDelay.TotalMilliseconds, baseDelay.TotalMilliseconds * Math.Pow(2, exponent));
        var jittered = raw * (0.8 + (0.4 * Math.Clamp(jitter, 0, 1)));
        return TimeSpan.FromMilliseconds(Math.Min(maxDelay.TotalMilliseconds, jittered));
    }
}
