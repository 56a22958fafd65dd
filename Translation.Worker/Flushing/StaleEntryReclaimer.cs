using Persistence.Contracts;
using StackExchange.Redis;

namespace Translation.Worker.Flushing;

/// <summary>
/// Takes over entries another consumer has held past ClaimIdleTimeMs although its heartbeat is fresh: the last
/// resort for a process that is alive but stuck. Dead consumers are found sooner, by <see cref="DeadConsumerClaimer"/>.
/// </summary>
internal sealed class StaleEntryReclaimer(string stream, IDatabase redis, FlushOptions options, ILogger logger)
{
    /// <summary>Bounds one pass, so the flusher gets back to new entries between passes over a large backlog.</summary>
    private const int MaxRounds = 10;

    /// <summary>Batches of entries taken over in one pass over the group's pending list.</summary>
    public async IAsyncEnumerable<IReadOnlyList<StreamEntry>> ClaimAsync()
    {
        RedisValue start = "0-0";
        for (var round = 0; round < MaxRounds; round++)
        {
            var from = start;
            var result = await UntracedPoll.RunAsync(() => redis.StreamAutoClaimAsync(
                stream, PersistenceStreams.ConsumerGroup, options.ConsumerName, options.ClaimIdleTimeMs, from, options.BatchSize));
            var claimed = result.ClaimedEntries.Where(e => !e.IsNull).ToList();
            if (claimed.Count > 0)
            {
                Log.Reclaimed(logger, stream, claimed.Count);
                yield return claimed;
            }

            start = result.NextStartId;
            if (start == "0-0")
            {
                yield break;
            }
        }
    }
}
