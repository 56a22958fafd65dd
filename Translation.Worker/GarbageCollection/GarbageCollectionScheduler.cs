using Microsoft.Extensions.Options;
using Persistence.Maintenance.GarbageCollection;
using Translation.Worker.Migrations;

namespace Translation.Worker.GarbageCollection;

/// <summary>
/// Runs the garbage collector at each occurrence of the configured cron schedule. Every worker replica schedules it;
/// the collector's named lock lets one of them do the work and the others find it taken and skip.
/// </summary>
public sealed class GarbageCollectionScheduler(
    GarbageCollector collector,
    SchemaGate gate,
    TimeProvider time,
    IOptions<GarbageCollectionScheduleOptions> options,
    ILogger<GarbageCollectionScheduler> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        if (!settings.Enabled)
        {
            return;
        }

        await gate.WaitAsync(stoppingToken);
        while (!stoppingToken.IsCancellationRequested)
        {
            if (settings.NextRunAfter(time.GetUtcNow()) is not { } next)
            {
                // Validation refuses such a schedule at start; should one get here, looping on it would only spin.
                // The worker goes on flushing and the admin endpoint can still collect.
                Log.GarbageCollectionNeverScheduled(logger, settings.Schedule);
                return;
            }

            Log.GarbageCollectionScheduled(logger, next);
            // In steps of at most a day: Task.Delay cannot wait longer than about 49 days, a yearly schedule can.
            while (next - time.GetUtcNow() is var wait && wait > TimeSpan.Zero)
            {
                await Task.Delay(wait < TimeSpan.FromDays(1) ? wait : TimeSpan.FromDays(1), time, stoppingToken);
            }

            try
            {
                var report = await collector.RunAsync(dryRun: false, stoppingToken);
                if (report.Completed)
                {
                    Log.GarbageCollected(logger, report.Sessions, report.Tasks, report.Cutoff, report.Duration.TotalMilliseconds);
                }
                else
                {
                    Log.GarbageCollectionSkipped(logger);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                // Whatever went wrong, the worker keeps flushing and the next occurrence retries; a missed run only
                // delays deletion.
                Log.GarbageCollectionFailed(logger, ex);
            }
        }
    }
}
