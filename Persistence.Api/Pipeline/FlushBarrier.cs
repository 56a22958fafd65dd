using Persistence.Contracts;
using StackExchange.Redis;

namespace Persistence.Api.Pipeline;

/// <summary>
/// Waits until every entry appended before the call is committed to MySQL. It needs no state of its own: the
/// stream's last generated id is the target, and the consumer group's delivery position and pending list say when
/// the workers (which acknowledge only after commit) are past it. Any replica can therefore answer. After the first
/// look, waiters share the replica's <see cref="FlushProgressPoller"/>.
/// </summary>
public sealed class FlushBarrier(FlushProgressPoller poller, TimeProvider time)
{
    public async Task<FlushOutcome> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();

        // The first look is the waiter's own: it fixes the targets and, when nothing is outstanding, answers at once.
        var progress = await poller.ReadAsync();
        var targets = progress.ToDictionary(p => p.Stream, p => p.LastGeneratedId);

        using var timeoutSource = new CancellationTokenSource(timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeoutSource.Token);

        while (true)
        {
            if (progress.All(p => !targets.TryGetValue(p.Stream, out var target) || p.HasCommittedThrough(target)))
            {
                return new FlushOutcome(true, time.GetElapsedTime(started), targets, progress);
            }

            try
            {
                progress = await poller.NextAsync(linked.Token);
            }
            catch (OperationCanceledException) when (timeoutSource.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                return new FlushOutcome(false, time.GetElapsedTime(started), targets, progress);
            }
        }
    }
}

public sealed record FlushOutcome(
    bool Completed, TimeSpan Elapsed, IReadOnlyDictionary<string, StreamId> Targets, IReadOnlyList<StreamProgress> Progress)
{
    /// <summary>
    /// Records the workers still hold or have not yet taken, in the streams not yet committed through their target; an
    /// upper bound of what is missing from MySQL (it counts records appended after the barrier's targets too).
    /// </summary>
    public long Remaining => Progress
        .Where(p => !p.HasCommittedThrough(Targets[p.Stream]))
        .Sum(p => p.UncommittedRecords);
}
