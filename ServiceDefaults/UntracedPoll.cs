using System.Diagnostics;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Runs a background poll (a claim, a stream read, a measurement) so that none of the Redis, MySQL or HTTP calls it
/// makes is traced. Such polls run every few hundred milliseconds and mostly find nothing; traced, each would be a
/// trace of its own and bury the traces of real work. Metrics are not affected: meters do not look at traces. Work
/// a poll finds is traced under a span of its own, started after the poll returns.
/// </summary>
/// <remarks>
/// Whether a span is kept is decided when it starts, and whether a poll found anything is known only when it ends,
/// so the poll as a whole goes untraced. It runs under a parent span that is never sampled: every client span made
/// meanwhile has that parent, and OpenTelemetry's default parent-based sampler drops the children of an unsampled
/// parent. <c>SuppressInstrumentationScope</c> would not do: the StackExchange.Redis instrumentation creates its
/// spans later, on a thread of its own, from the <see cref="Activity.Current"/> it saw when the command was sent, so
/// it sees the unsampled parent but not the suppression flag. A sampler dropping every parentless database span
/// could not tell a poll from real work that has no parent either (migrations, garbage collection). A sampler that
/// ignores parents (<c>OTEL_TRACES_SAMPLER=always_on</c>) would export the polls' spans again.
/// </remarks>
public static class UntracedPoll
{
    public static async Task<T> RunAsync<T>(Func<Task<T>> poll)
    {
        ArgumentNullException.ThrowIfNull(poll);
        using var parent = StartUnsampledParent();
        return await poll();
    }

    public static async Task RunAsync(Func<Task> poll)
    {
        ArgumentNullException.ThrowIfNull(poll);
        using var parent = StartUnsampledParent();
        await poll();
    }

    /// <summary>Called only from the async methods above, whose change of Activity.Current never reaches their caller.</summary>
    private static Activity StartUnsampledParent()
    {
        // A root of its own: a poll belongs to no trace, not even to one the caller may be in.
        Activity.Current = null;
        // Not from an ActivitySource: no listener samples, records or exports it. W3C, or the Redis instrumentation
        // would ignore it and make root spans again.
        var parent = new Activity("untraced poll");
        parent.SetIdFormat(ActivityIdFormat.W3C);
        parent.ActivityTraceFlags = ActivityTraceFlags.None;
        return parent.Start();
    }
}
