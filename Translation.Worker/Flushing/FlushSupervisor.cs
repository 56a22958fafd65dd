using Microsoft.Extensions.Options;
using Persistence.Contracts;
using StackExchange.Redis;

namespace Translation.Worker.Flushing;

/// <summary>
/// Keeps a set of flushers (<see cref="FlushOptions.FlushersPerStream"/> per stream) running for every stream the
/// layout in Redis names, and adds the new shards' flushers when a switch begins. It never stops one early: a shard
/// of the old layout is empty once the switch completes, and its idle flusher costs a poll, while stopping it would
/// risk an entry some late replay put there.
/// </summary>
public sealed partial class FlushSupervisor(
    FlusherFactory factory,
    IConnectionMultiplexer redis,
    IOptions<StreamLayoutOptions> layoutOptions,
    IOptions<FlushOptions> flushOptions,
    TimeProvider time,
    ILogger<FlushSupervisor> logger) : BackgroundService
{
    private readonly Dictionary<string, IHostedService[]> _running = [];
    private readonly Lock _gate = new();

    /// <summary>The streams flushed so far, for tests and diagnostics.</summary>
    public IReadOnlyCollection<string> Streams
    {
        get
        {
            lock (_gate)
            {
                return [.. _running.Keys];
            }
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var layout = await UntracedPoll.RunAsync(() => StreamLayout.ReadAsync(redis.GetDatabase(), layoutOptions.Value.Shards));
                await StartMissingAsync(layout, stoppingToken);
                failures = 0;
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException or InvalidOperationException && !stoppingToken.IsCancellationRequested)
            {
                // The flushers already running go on; only a switch waits for Redis to answer again.
                LayoutUnreadable(logger, ++failures, ex);
            }

            await Task.Delay(TimeSpan.FromMilliseconds(layoutOptions.Value.LayoutPollIntervalMs), time, stoppingToken)
                .ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        IHostedService[] flushers;
        lock (_gate)
        {
            flushers = [.. _running.Values.SelectMany(f => f)];
        }

        // Side by side, so their drains overlap and shutdown takes one DrainTimeoutMs, not one per flusher.
        await Task.WhenAll(flushers.Select(f => f.StopAsync(cancellationToken)));
    }

    private async Task StartMissingAsync(StreamLayout layout, CancellationToken cancellationToken)
    {
        foreach (var stream in layout.DataStreams)
        {
            IHostedService[] flushers;
            lock (_gate)
            {
                if (_running.ContainsKey(stream))
                {
                    continue;
                }

                flushers = [.. Enumerable.Range(0, flushOptions.Value.FlushersPerStream).Select(slot => factory.Create(stream, slot))];
                _running[stream] = flushers;
            }

            foreach (var flusher in flushers)
            {
                await flusher.StartAsync(cancellationToken);
            }

            FlushersStarted(logger, flushers.Length, stream, layout.ToString());
        }
    }

    [LoggerMessage(90, LogLevel.Information, "Started {Count} flushers for {Stream} (layout: {Layout})")]
    private static partial void FlushersStarted(ILogger logger, int count, string stream, string layout);

    [LoggerMessage(91, LogLevel.Warning, "Could not read the stream layout ({Failures} times in a row); the running flushers go on")]
    private static partial void LayoutUnreadable(ILogger logger, int failures, Exception exception);
}
