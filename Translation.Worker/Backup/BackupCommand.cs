using System.Data.Common;
using System.Globalization;
using Microsoft.Extensions.Options;
using Persistence.Storage;
using StackExchange.Redis;
using Translation.Worker.Backup.MySql;

namespace Translation.Worker.Backup;

/// <summary>
/// <c>backup --to DIR</c>, <c>restore --from DIR [--force]</c> and <c>restore --from DIR --verify</c>: the operator
/// commands beside <c>migrate</c> and <c>gc</c>, exiting 0 on success, 1 on a failure the message explains, 2 on usage.
/// </summary>
public static class BackupCommand
{
    public const string Backup = "backup";
    public const string Restore = "restore";

    private const string Usage =
        "Usage: backup --to DIR | restore --from DIR [--force] [--to-time T | --to-latest] [--archive DIR] | restore --from DIR --verify  (settings as --Key=value)\n"
        + "  --to-time T   (MySQL) replays the archived binary log up to T (UTC, RFC 3339, e.g. 2026-12-04T17:05:00Z; to the second); --to-latest replays all of it.\n"
        + "  --archive DIR the binary-log archive (default: Backup:BinlogArchive, which the AppHost sets).";

    public static async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        if (!TryParse(args, out var verb, out var directory, out var force, out var verifyOnly, out var pointInTime, out var settings))
        {
            await Console.Error.WriteLineAsync(Usage);
            return 2;
        }

        try
        {
            if (verifyOnly)
            {
                var verified = await BackupVerifier.VerifyAsync(directory, cancellationToken);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"Backup of {verified.CreatedAt:yyyy-MM-dd'T'HH:mm:ss'Z'} is complete: {verified.Files.Count} files, {verified.Files.Sum(f => f.Bytes)} bytes, checksums match."));
                return 0;
            }

            using var host = BuildHost(settings);
            if (verb == Backup)
            {
                var manifest = await host.Services.GetRequiredService<BackupWriter>().WriteAsync(Path.GetFullPath(directory), cancellationToken);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"Backed up to {Path.GetFullPath(directory)} in {manifest.DurationMilliseconds} ms: {manifest.Dump.Bytes} bytes of {manifest.Dump.Kind}, "
                    + $"{manifest.Files.Sum(f => f.Entries ?? 0)} stream entries."));
                return 0;
            }

            var report = await host.Services.GetRequiredService<BackupRestorer>().RestoreAsync(directory, force, pointInTime, cancellationToken);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Restored the backup of {report.Manifest.CreatedAt:yyyy-MM-dd'T'HH:mm:ss'Z'} in {report.Duration.TotalMilliseconds:F0} ms: "
                + $"{report.Streams.Values.Sum(s => s.Added)} stream entries added, {report.Streams.Values.Sum(s => s.Present)} already present; layout: {report.Layout}."));
            if (report.Layout.Next is { } next)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"The old shards still hold entries: start the workers, then run reshard --to {next.Count} to drain them; sessions and tasks are refused (503) until then."));
            }

            if (report.Binlog is { } binlog)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"Replayed the binary log {(binlog.Target.Until is { } until ? $"up to {until.UtcDateTime:yyyy-MM-dd'T'HH:mm:ss'Z'}" : "to its end")}: "
                    + $"{binlog.Files} archived files, {binlog.Bytes} bytes, in {binlog.Duration.TotalMilliseconds:F0} ms."));
            }

            return 0;
        }
        catch (Exception ex) when (ex is BackupInvalidException or InvalidOperationException or OptionsValidationException or IOException or UnauthorizedAccessException)
        {
            await Console.Error.WriteLineAsync($"error: {ex.Message}");
            return 1;
        }
        catch (Exception ex) when (ex is DbException or RedisException or TimeoutException)
        {
            await Console.Error.WriteLineAsync($"error: {ex.GetType().Name}: {ex.Message}");
            return 1;
        }
    }

    private static bool TryParse(string[] args, out string verb, out string directory, out bool force, out bool verifyOnly, out PointInTime? pointInTime, out string[] settings)
    {
        verb = args[0];
        directory = "";
        force = verifyOnly = false;
        pointInTime = null;
        var rest = new List<string>();
        var place = verb == Backup ? "--to" : "--from";
        for (var i = 1; i < args.Length; i++)
        {
            switch (args[i])
            {
                case var p when p == place && i + 1 < args.Length: directory = args[++i]; break;
                case "--force" when verb == Restore: force = true; break;
                case "--verify" when verb == Restore: verifyOnly = true; break;
                case "--to-latest" when verb == Restore && pointInTime is null: pointInTime = PointInTime.Latest; break;
                case "--to-time" when verb == Restore && pointInTime is null && i + 1 < args.Length:
                    if (!DateTimeOffset.TryParseExact(args[++i], ["yyyy-MM-dd'T'HH:mm:ssK", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var until))
                    {
                        settings = [];
                        return false;
                    }

                    pointInTime = new PointInTime(until);
                    break;
                case "--archive" when verb == Restore && i + 1 < args.Length: rest.Add($"--{BackupOptions.SectionName}:{nameof(BackupOptions.BinlogArchive)}={Path.GetFullPath(args[++i])}"); break;
                case var s when s.StartsWith("--", StringComparison.Ordinal) && s.Contains('=', StringComparison.Ordinal): rest.Add(s); break;
                default: settings = []; return false;
            }
        }

        settings = [.. rest];
        return directory.Length > 0 && !(verifyOnly && (force || pointInTime is not null));
    }

    private static IHost BuildHost(string[] settings)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = settings, ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.AddFilter("MySqlConnector", LogLevel.Warning);
        builder.Logging.AddFilter("Npgsql", LogLevel.Warning);
        builder.Logging.AddFilter("StackExchange.Redis", LogLevel.Warning);
        builder.AddPersistenceStorage(WorkerExtensions.DatabaseConnectionName);
        // Unlike the worker, the command fails at once when Redis is unreachable: a backup without the streams is not one.
        builder.AddRedisClient(WorkerExtensions.RedisConnectionName, configureOptions: options => options.AbortOnConnectFail = true);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.AddBackupServices();
        return builder.Build();
    }
}
