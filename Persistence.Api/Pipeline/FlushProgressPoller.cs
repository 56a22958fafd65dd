using Microsoft.Extensions.Options;
using Persistence.Api.Streams;
using Persistence.Contracts;
using StackExchange.Redis;

namespace Persistence.Api.Pipeline;

/// <summary>
/// One look at every data stream per poll interval for all of a replica's waiters together: a thousand clients
/// waiting on the flush barrier or a strong read cost Redis what one does, instead of a thousand polls every 20 ms.
/// It polls only while someone waits.
/// </summary>
public sealed class FlushProgressPoller(
    IConnectionMultiplexer redis, StreamLayoutMonitor layout, TimeProvider time, IOptions<PipelineOptions> options)
{
    private readonly Lock _gate = new();
    private Task<IReadOnlyList<StreamProgress>>? _round;

    /// <summary>
    /// The progress of every data stream as the next shared round reads it, one poll interval from the round's start.
    /// A waiter that joins a round already under way may see progress read a moment before it joined; progress only
    /// moves forward, so that can make it wait one round longer, never end early.
    /// </summary>
    public Task<IReadOnlyList<StreamProgress>> NextAsync(CancellationToken cancellationToken)
    {
        Task<IReadOnlyList<StreamProgress>> round;
        lock (_gate)
        {
            round = _round ??= RunRoundAsync();
        }

        return round.WaitAsync(cancellationToken);
    }

    /// <summary>
    /// The layout is read afresh, not taken from the replica's last poll: a barrier must see every shard that may
    /// hold an entry accepted before it started, whichever replica accepted it.
    /// </summary>
    public async Task<IReadOnlyList<StreamProgress>> ReadAsync() =>
        await StreamProgress.ReadAllAsync(redis.GetDatabase(), (await layout.RefreshAsync()).DataStreams);

    private async Task<IReadOnlyList<StreamProgress>> RunRoundAsync()
    {
        try
        {
            // Not cancelled by any one waiter: the others still need the round.
            await Task.Delay(TimeSpan.FromMilliseconds(options.Value.FlushPollIntervalMs), time);
            return await ReadAsync();
        }
        finally
        {
            lock (_gate)
            {
                _round = null;
            }
        }
    }
}
