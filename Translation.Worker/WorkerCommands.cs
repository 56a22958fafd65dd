using System.Globalization;
using Microsoft.Extensions.Options;
using System.Data.Common;
using Persistence.Maintenance.GarbageCollection;
using Persistence.Storage;
using Translation.Worker.Backup;
using Translation.Worker.Migrations;
using Translation.Worker.Sharding;

namespace Translation.Worker;

/// <summary>
/// One-shot operator commands run instead of the worker: <c>migrate [--status]</c> and <c>gc [--dry-run]</c>. They
/// need only the database, so they work while Redis is down, and they exit with a status a deployment script can test.
/// <c>backup</c> and <c>restore</c> (<see cref="BackupCommand"/>) need Redis as well, <c>reshard</c>
/// (<see cref="ReshardCommand"/>) Redis alone.
/// </summary>
public static class WorkerCommands
{
    public const string Migrate = "migrate";
    public const string CollectGarbage = "gc";

    private const string StatusFlag = "--status";
    private const string DryRunFlag = "--dry-run";

    public static bool IsCommand(string[] args) => args.Length > 0 && args[0] is Migrate or CollectGarbage or BackupCommand.Backup or BackupCommand.Restore or ReshardCommand.Reshard;

    public static async Task<int> RunAsync(string[] args)
    {
        var verb = args[0];
        if (verb is BackupCommand.Backup or BackupCommand.Restore or ReshardCommand.Reshard)
        {
            using var stop = new CancellationTokenSource();
            Console.CancelKeyPress += (_, e) =>
            {
                e.Cancel = true;
                stop.Cancel();
            };
            return verb == ReshardCommand.Reshard
                ? await ReshardCommand.RunAsync(args, stop.Token)
                : await BackupCommand.RunAsync(args, stop.Token);
        }

        var flags = args.Skip(1).Where(a => a.StartsWith("--", StringComparison.Ordinal) && !a.Contains('=', StringComparison.Ordinal)).ToList();
        var allowed = verb == Migrate ? StatusFlag : DryRunFlag;
        if (flags.Any(f => f != allowed))
        {
            await Console.Error.WriteLineAsync($"Usage: {Migrate} [{StatusFlag}] | {CollectGarbage} [{DryRunFlag}]  (settings as --Key=value)");
            return 2;
        }

        using var cancel = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            cancel.Cancel();
        };

        try
        {
            using var host = BuildHost(args.Skip(1).Except(flags).ToArray());
            return verb == Migrate
                ? await MigrateAsync(host.Services.GetRequiredService<MigrationRunner>(), flags.Count > 0, cancel.Token)
                : await CollectAsync(host.Services.GetRequiredService<GarbageCollector>(), flags.Count > 0, cancel.Token);
        }
        catch (Exception ex) when (ex is MigrationFailedException or OptionsValidationException or InvalidOperationException)
        {
            // A refused script, a bad setting, a missing connection string: the message says which.
            await Console.Error.WriteLineAsync($"error: {ex.Message}");
            return 1;
        }
        catch (Exception ex) when (ex is DbException or TimeoutException)
        {
            await Console.Error.WriteLineAsync($"error: database: {ex.Message}");
            return 1;
        }
    }

    /// <summary>Only what the commands need; settings left over on the command line (--Key=value) override the rest.</summary>
    private static IHost BuildHost(string[] settings)
    {
        // appsettings.json sits next to the binary; `dotnet run` starts it from wherever the caller stands.
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = settings, ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.AddFilter("MySqlConnector", LogLevel.Warning);
        builder.Logging.AddFilter("Npgsql", LogLevel.Warning);
        builder.AddPersistenceStorage(WorkerExtensions.DatabaseConnectionName);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<MigrationRunner>();
        builder.AddGarbageCollector();
        return builder.Build();
    }

    private static async Task<int> MigrateAsync(MigrationRunner runner, bool statusOnly, CancellationToken cancellationToken)
    {
        if (!statusOnly)
        {
            var applied = await runner.ApplyPendingAsync(cancellationToken);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Applied {applied} migration(s)."));
        }

        var states = await runner.ReadStatusAsync(cancellationToken);
        Console.WriteLine($"{"version",-8} {"name",-36} applied_at (UTC)");
        foreach (var state in states)
        {
            var applied = state.AppliedAt is { } at
                ? at.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture) + (state.ChangedSinceApplied ? " (script changed since)" : "")
                : "pending";
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{state.Migration.Version:D4}     {state.Migration.Name,-36} {applied}"));
        }

        var pending = states.Count(s => s.AppliedAt is null);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{states.Count - pending} applied, {pending} pending."));
        return 0;
    }

    private static async Task<int> CollectAsync(GarbageCollector collector, bool dryRun, CancellationToken cancellationToken)
    {
        var report = await collector.RunAsync(dryRun, cancellationToken);
        if (!report.Completed)
        {
            await Console.Error.WriteLineAsync("Another garbage collection is running; nothing was done.");
            return 1;
        }

        var cutoff = report.Cutoff.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        Console.WriteLine(dryRun
            ? string.Create(CultureInfo.InvariantCulture, $"Dry run: {report.Sessions} sessions and {report.Tasks} tasks ended before {cutoff} would be deleted, and {report.JobEvents} translation audit rows.")
            : string.Create(CultureInfo.InvariantCulture, $"Deleted {report.Sessions} sessions and {report.Tasks} tasks ended before {cutoff} in {report.Batches} batch(es), and {report.JobEvents} translation audit rows, {report.Duration.TotalMilliseconds:F0} ms."));
        return 0;
    }
}
