using Microsoft.Extensions.Options;
using Persistence.Contracts;
using StackExchange.Redis;

namespace Persistence.Api.Pipeline;

/// <summary>
/// Waits until every entry appended before the call is committed to MySQL. It needs no state of its own: the
/// stream's last generated id is the target, and the consumer group's delivery position and pending list say when
/// the workers (which acknowledge only after commit) are past it. Any replica can therefore answer.
/// </summary>
public sealed class FlushBarrier(IConnectionMultiplexer redis, TimeProvider time, IOptions<PipelineOptions> options)
{
    public async Task<FlushOutcome> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var database = redis.GetDatabase();
        var started = time.GetTimestamp();

        var targets = new Dictionary<string, StreamId>();
        foreach (var stream in PersistenceStreams.Data)
        {
            targets[stream] = (await StreamProgress.ReadAsync(database, stream)).LastGeneratedId;
        }

        using var timeoutSource = new CancellationTokenSource(timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeoutSource.Token);
        var poll = TimeSpan.FromMilliseconds(options.Value.FlushPollIntervalMs);

        while (true)
        {
            var progress = new List<StreamProgress>(targets.Count);
            foreach (var (stream, target) in targets)
            {
                progress.Add(await StreamProgress.ReadAsync(database, stream));
            }

            var remaining = progress.Where(p => !p.HasCommittedThrough(targets[p.Stream])).ToList();
            if (remaining.Count == 0)
            {
                return new FlushOutcome(true, time.GetElapsedTime(started), targets, progress);
            }

            try
            {
                await Task.Delay(poll, time, linked.Token);
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
    /// <summary>Entries the workers still hold or have not yet taken; an upper bound of what is missing from MySQL.</summary>
    public long Remaining => Progress
        .Where(p => !p.HasCommittedThrough(Targets[p.Stream]))
        .Sum(p => p.Pending + (p.Lag ?? p.Length));
}
