using Microsoft.Extensions.Options;
using Persistence.Contracts;
using StackExchange.Redis;

namespace Persistence.Api.Streams;

/// <summary>
/// This replica's view of the shard layout in Redis, read once at start and again every poll interval. Until the
/// first read succeeds, and while a switch runs, <see cref="Current"/> tells the ingest routes to refuse sessions and
/// tasks; a replica with a stale view is stopped by the seal on the old shards, not by this poll.
/// </summary>
public sealed partial class StreamLayoutMonitor(
    IConnectionMultiplexer redis, IOptions<StreamLayoutOptions> options, TimeProvider time, ILogger<StreamLayoutMonitor> logger)
    : BackgroundService
{
    private StreamLayout? _current;

    /// <summary>The layout last read, or null before the first read.</summary>
    public StreamLayout? Current => Volatile.Read(ref _current);

    /// <summary>Every data stream of the layout last read; the translation streams alone before the first read.</summary>
    public IReadOnlyList<string> DataStreams => Current?.DataStreams ?? [PersistenceStreams.TranslationContents, PersistenceStreams.TranslationJobs];

    public async Task<StreamLayout> RefreshAsync()
    {
        var layout = await StreamLayout.ReadAsync(redis.GetDatabase(), options.Value.Shards);
        var previous = Interlocked.Exchange(ref _current, layout);
        if (previous is null || !previous.Equals(layout))
        {
            LayoutRead(logger, layout.ToString());
        }

        return layout;
    }

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            await UntracedPoll.RunAsync(RefreshAsync);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            // Not fatal: the replica serves reads meanwhile, and ingest answers 503 until the loop gets an answer.
            LayoutUnreadable(logger, ex);
        }

        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(options.Value.LayoutPollIntervalMs), time, stoppingToken)
                .ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            try
            {
                await UntracedPoll.RunAsync(RefreshAsync);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                LayoutUnreadable(logger, ex);
            }
        }
    }

    [LoggerMessage(60, LogLevel.Information, "Stream layout: {Layout}")]
    private static partial void LayoutRead(ILogger logger, string layout);

    [LoggerMessage(61, LogLevel.Warning, "Could not read the stream layout from Redis; sessions and tasks wait for it")]
    private static partial void LayoutUnreadable(ILogger logger, Exception exception);
}
