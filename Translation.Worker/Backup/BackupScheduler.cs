using System.Data.Common;
using Microsoft.Extensions.Options;
using Persistence.Storage;
using Translation.Worker.Migrations;

namespace Translation.Worker.Backup;

/// <summary>
/// Backs up at each occurrence of <see cref="BackupOptions.Schedule"/> when enabled, then applies the retention.
/// Every worker replica schedules it; a named lock in the database lets one of them do it and the others skip.
/// </summary>
public sealed class BackupScheduler(
    BackupWriter writer,
    DbDataSource dataSource,
    StorageDialect dialect,
    SchemaGate gate,
    TimeProvider time,
    IOptions<BackupOptions> options,
    ILogger<BackupScheduler> logger) : BackgroundService
{
    private const string LockName = "translation.backup";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        if (!settings.Enabled)
        {
            return;
        }

        await gate.WaitAsync(stoppingToken);
        while (!stoppingToken.IsCancellationRequested && settings.NextRunAfter(time.GetUtcNow()) is { } next)
        {
            BackupLog.Scheduled(logger, next);
            // In steps of at most a day: Task.Delay cannot wait longer than about 49 days.
            while (next - time.GetUtcNow() is var wait && wait > TimeSpan.Zero)
            {
                await Task.Delay(wait < TimeSpan.FromDays(1) ? wait : TimeSpan.FromDays(1), time, stoppingToken);
            }

            try
            {
                await RunOnceAsync(settings, stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                // The worker keeps flushing; the next occurrence tries again, and the retention kept the older backups.
                BackupLog.Failed(logger, ex);
            }
        }
    }

    /// <summary>One scheduled backup and its retention, or nothing when another replica holds the lock.</summary>
    public async Task<bool> RunOnceAsync(BackupOptions settings, CancellationToken cancellationToken)
    {
        // The lock lives as long as this connection, which stays open (and idle) for the whole backup.
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        if (!await NamedLock.TryTakeAsync(connection, dialect, LockName, cancellationToken))
        {
            BackupLog.Skipped(logger);
            return false;
        }

        try
        {
            await WriteAndPruneAsync(settings, cancellationToken);
        }
        finally
        {
            await NamedLock.ReleaseAsync(connection, dialect, LockName);
        }

        return true;
    }

    private async Task WriteAndPruneAsync(BackupOptions settings, CancellationToken cancellationToken)
    {
        var name = BackupRetention.NameFor(time.GetUtcNow());
        if (!Directory.Exists(settings.Directory))
        {
            OwnerOnly.CreateFolder(settings.Directory);
        }

        var partial = Path.Combine(settings.Directory, name + BackupRetention.PartialSuffix);
        if (Directory.Exists(partial))
        {
            Directory.Delete(partial, recursive: true);
        }

        var manifest = await writer.WriteAsync(partial, cancellationToken);
        var complete = Path.Combine(settings.Directory, name);
        Directory.Move(partial, complete);
        BackupLog.Written(logger, complete, manifest.Files.Sum(f => f.Bytes), manifest.DurationMilliseconds);
        foreach (var deleted in BackupRetention.Prune(settings.Directory, settings.Keep))
        {
            BackupLog.Deleted(logger, deleted);
        }
    }
}
