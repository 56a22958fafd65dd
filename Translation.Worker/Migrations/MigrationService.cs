using System.Data.Common;

namespace Translation.Worker.Migrations;

/// <summary>Brings the schema up to date at start, retrying while the database is unreachable, then opens the gate.</summary>
public sealed class MigrationService(MigrationRunner runner, SchemaGate gate, TimeProvider time, ILogger<MigrationService> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var delay = TimeSpan.FromMilliseconds(250);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var applied = await runner.ApplyPendingAsync(stoppingToken);
                Log.SchemaReady(logger, applied, runner.Migrations.Count);
                gate.Open();
                return;
            }
            catch (Exception ex) when (ex is DbException or TimeoutException or MigrationFailedException)
            {
                Log.MigrationRetry(logger, delay.TotalMilliseconds, ex);
                await Task.Delay(delay, time, stoppingToken);
                delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 10_000));
            }
        }
    }
}
