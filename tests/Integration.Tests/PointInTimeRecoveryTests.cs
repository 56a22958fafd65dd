using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using AppHost;
using AppHost.Hosting;
using MySqlConnector;
using Persistence.Contracts;
using Xunit.Abstractions;

namespace Integration.Tests;

/// <summary>
/// The point-in-time drill: MariaDB's binary log, streamed to the archive folder as it is written, brings a destroyed
/// stack back past its last base backup, to a chosen second or to the last commit the archive holds.
/// </summary>
[Collection(BackupDrillDefinition.Name)]
public sealed class PointInTimeRecoveryTests(BackupDrillFixture stack, ITestOutputHelper output) : IDisposable
{
    private const int Batch = 100;

    private readonly string _backups = Path.Combine(Path.GetTempPath(), "persistence-pitr-" + Guid.NewGuid().ToString("N")[..8]);

    private string Archive => Path.Combine(stack.StateDirectory, StackResources.BinlogArchiver);

    [Fact]
    public async Task A_destroyed_stack_restored_to_a_time_has_what_was_committed_before_it_and_restored_to_the_latest_has_everything()
    {
        var prefix = Records.Prefix();
        await WriteAsync($"{prefix}a");
        var backup = Path.Combine(_backups, "base");
        var (backedUp, backupOutput) = await RunAsync("backup", "--to", backup);
        Assert.True(backedUp == 0, backupOutput);

        await WriteAsync($"{prefix}b");
        // The log's timestamps are whole seconds: a second either side keeps B before T and C after it.
        await Task.Delay(1100);
        var pointInTime = DateTimeOffset.UtcNow;
        await Task.Delay(1100);
        await WriteAsync($"{prefix}c");
        var caughtUp = await ArchiveCatchUpAsync();
        output.WriteLine($"RPO: the archive held the last commit {caughtUp.TotalMilliseconds:F0} ms after the flush barrier returned.");
        Assert.True(caughtUp < TimeSpan.FromSeconds(5), $"the archive took {caughtUp} to catch up with the server's binary log");

        // To T: the backup, then the log up to T. C was committed after T, and Redis, lost too, has nothing of it.
        await RestoreOnEmptyDataAsync(backup, "--to-time", pointInTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture), "--archive", Archive);
        Assert.Equal((Batch, Batch, 0L), await RowsAsync(prefix));
        await stack.Stack.StartResourceAsync(stack.Stack.Workers[0]);
        await stack.FlushAsync();
        Assert.Equal((Batch, Batch, 0L), await RowsAsync(prefix));

        // To the latest: the archive folder from configuration (Backup:BinlogArchive), as the AppHost sets it.
        await RestoreOnEmptyDataAsync(backup, "--to-latest", $"--{Translation.Worker.Backup.BackupOptions.SectionName}:{nameof(Translation.Worker.Backup.BackupOptions.BinlogArchive)}={Archive}");
        Assert.Equal((Batch, Batch, Batch), await RowsAsync(prefix));
        await stack.Stack.StartResourceAsync(stack.Stack.Workers[0]);
        await stack.FlushAsync();
        Assert.Equal((Batch, Batch, Batch), await RowsAsync(prefix));
    }

    public void Dispose()
    {
        if (Directory.Exists(_backups))
        {
            Directory.Delete(_backups, recursive: true);
        }
    }

    /// <summary>Destroys both data folders, starts the stack on empty ones, stops the worker and restores.</summary>
    private async Task RestoreOnEmptyDataAsync(string backup, params string[] target)
    {
        await stack.RestartOnEmptyDataAsync();
        await stack.Stack.StopResourceAsync(stack.Stack.Workers[0]);
        var watch = Stopwatch.StartNew();
        var (restored, restoreOutput) = await RunAsync(["restore", "--from", backup, .. target, $"--ConnectionStrings:{Translation.Worker.Backup.MySql.BinlogReplay.ConnectionName}={ReplayConnectionString()}"]);
        output.WriteLine($"restore {string.Join(' ', target)}: {watch.ElapsedMilliseconds} ms\n{restoreOutput}");
        Assert.True(restored == 0, restoreOutput);
    }

    private async Task WriteAsync(string prefix)
    {
        using (var response = await stack.PostTasksAsync(Records.Tasks(prefix, Batch)))
        {
            Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        }

        await stack.FlushAsync();
    }

    /// <summary>How long after the flush barrier the archive holds every byte of the server's binary log.</summary>
    private async Task<TimeSpan> ArchiveCatchUpAsync()
    {
        var watch = Stopwatch.StartNew();
        var serverId = BinaryLog.ServerId(Path.Combine(stack.StateDirectory, StackResources.MySql, "data"));
        var archived = Path.Combine(Archive, BinlogArchiveLayout.ServerFolder(serverId));
        var logs = BinlogArchiveLayout.Files(Path.Combine(stack.StateDirectory, StackResources.MySql, "data"));
        while (watch.Elapsed < TimeSpan.FromSeconds(30)
            && !logs.All(log => new FileInfo(Path.Combine(archived, Path.GetFileName(log))) is { Exists: true } copy && copy.Length == new FileInfo(log).Length))
        {
            await Task.Delay(10);
        }

        return watch.Elapsed;
    }

    private async Task<(long A, long B, long C)> RowsAsync(string prefix)
    {
        await using var db = stack.OpenDatabase();
        return (
            await Rows.CountAsync(db, "translation_tasks", "task_id", $"{prefix}a"),
            await Rows.CountAsync(db, "translation_tasks", "task_id", $"{prefix}b"),
            await Rows.CountAsync(db, "translation_tasks", "task_id", $"{prefix}c"));
    }

    /// <summary>The replay account the AppHost created, with its password from the state folder's secrets.</summary>
    private string ReplayConnectionString()
    {
        var secrets = JsonSerializer.Deserialize<StateSecrets>(File.ReadAllText(Path.Combine(stack.StateDirectory, StateSecrets.FileName)))!;
        return new MySqlConnectionStringBuilder(stack.DatabaseConnectionString)
        {
            UserID = BinlogArchiverResource.ReplayUser,
            Password = secrets.MySqlReplayPassword,
        }.ConnectionString;
    }

    private Task<(int ExitCode, string Output)> RunAsync(params string[] arguments) =>
        stack.RunWorkerCommandAsync([.. arguments, $"--ConnectionStrings:{StackResources.Redis}={stack.RedisConnectionString}"]);
}
