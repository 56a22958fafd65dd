using Persistence.Contracts;
using StackExchange.Redis;

namespace Translation.Worker.Processing;

/// <summary>
/// Tells the API which engines this worker can run (<see cref="EngineRoster"/>), so a re-queue to an engine no running
/// worker has is refused rather than served by another. A failed announcement is logged once per outage and retried
/// at the next interval; the roster's lifetime outlasts two misses.
/// </summary>
public sealed class EngineAnnouncer(
    IConnectionMultiplexer redis, EngineSelector engines, TimeProvider time, ILogger<EngineAnnouncer> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var failing = false;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await UntracedPoll.RunAsync(() => EngineRoster.AnnounceAsync(
                    redis.GetDatabase(), TranslationEngines.All.Where(engines.CanRun), time.GetUtcNow()));
                if (failing)
                {
                    ProcessingLog.EnginesAnnouncedAgain(logger);
                    failing = false;
                }
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                if (!failing)
                {
                    ProcessingLog.EngineAnnouncementFailed(logger, ex);
                    failing = true;
                }
            }

            await Task.Delay(EngineRoster.AnnounceInterval, time, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }
}
