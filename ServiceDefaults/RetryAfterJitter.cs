namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Retry-After in whole seconds, plus a random addition so that clients refused together (by a rate limit, by an
/// overload) do not all return in the same second and refill it. The addition is at most a fifth of the wait (at
/// least 0 or 1 s), never makes the wait shorter than asked, and never passes <paramref name="notAfter"/> when one is
/// given: a <c>RateLimit-Reset</c> in the same answer, by when the bucket is full again, so waiting longer buys nothing
/// and the two headers would disagree. One rule for the gateway's 429s and the API's 503s.
/// </summary>
public static class RetryAfterJitter
{
    public static long Seconds(TimeSpan wait, long? notAfter = null)
    {
        var seconds = Math.Max(1, (long)Math.Ceiling(wait.TotalSeconds));
        var jittered = seconds + Random.Shared.NextInt64(Math.Max(1, seconds / 5) + 1);
        return notAfter is { } limit ? Math.Min(jittered, Math.Max(seconds, limit)) : jittered;
    }
}
