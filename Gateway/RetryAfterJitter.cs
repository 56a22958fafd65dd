namespace Gateway;

/// <summary>
/// Retry-After in whole seconds, plus a random addition so that clients refused together do not all return in the
/// same second. The addition is at most a fifth of the wait (at least 0 or 1 s), never makes the wait shorter than
/// the limiter asked, and never passes a <c>RateLimit-Reset</c> given in the same answer: by then the bucket is
/// full again, so waiting longer buys nothing and the two headers would disagree.
/// </summary>
public static class RetryAfterJitter
{
    public static long Seconds(TimeSpan wait, long? rateLimitReset)
    {
        var seconds = Math.Max(1, (long)Math.Ceiling(wait.TotalSeconds));
        var jittered = seconds + Random.Shared.NextInt64(Math.Max(1, seconds / 5) + 1);
        return rateLimitReset is { } reset ? Math.Min(jittered, Math.Max(seconds, reset)) : jittered;
    }
}
