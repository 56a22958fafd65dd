using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Persistence.Contracts;
using StackExchange.Redis;
using Translation.Worker.Backup;

namespace Integration.Tests;

/// <summary>
/// The restore drill: rows in the database and entries still un-flushed in Redis are backed up, both data folders are
/// destroyed, and a fresh stack restored from the backup has every row and every entry, which then flush. The drill
/// runs on every backend; what a restore does with the streams and the schedule are the same code on each and are
/// tested on MariaDB (<see cref="BackupRestoreTestsOnMySql"/>).
/// </summary>
public abstract class BackupRestoreTests(BackupDrillFixture stack) : IDisposable
{
    private static readonly (string Table, string Key)[] Tables = [("translation_sessions", "session_id"), ("translation_tasks", "task_id")];

    protected BackupDrillFixture Stack => stack;

    /// <summary>A folder of this test's own for the backups it writes, deleted after it.</summary>
    protected string Backups { get; } = Path.Combine(Path.GetTempPath(), "persistence-backup-" + Guid.NewGuid().ToString("N")[..8]);

    [Fact]
    public async Task A_backup_restored_into_a_destroyed_stack_brings_back_every_row_and_every_unflushed_entry_which_then_flush()
    {
        var prefix = Records.Prefix();
        // Flushed: 300 tasks and 20 sessions in MySQL.
        await PostAsync(prefix, tasksFrom: 0, tasks: 300, sessionsFrom: 0, sessions: 20, secondsAfterCreation: 1);
        await stack.FlushAsync();

        // Un-flushed: with the worker stopped, 200 new tasks, newer states of 50 stored ones, and 10 new sessions stay
        // in the streams; one dead letter sits beside them.
        await stack.Stack.StopResourceAsync(stack.Stack.Workers[0]);
        await PostAsync(prefix, tasksFrom: 300, tasks: 200, sessionsFrom: 20, sessions: 10, secondsAfterCreation: 1);
        using (var newer = await stack.PostTasksAsync(Enumerable.Range(0, 50).Select(i => Records.Task($"{prefix}-t{i}", $"{prefix}-s0", "completed", 5, "done"))))
        {
            Assert.True(newer.IsSuccessStatusCode);
        }

        await AddDeadLetterAsync(prefix);
        var tablesBefore = await DigestsAsync();
        var streamsBefore = await StreamLengthsAsync();
        // One entry per request and shard: the backlog counts the records they hold.
        var backlogBefore = await TaskBacklogAsync();
        Assert.True(backlogBefore >= 250, $"the tasks shards hold {backlogBefore} un-flushed records");

        var backup = Path.Combine(Backups, "drill");
        var (backedUp, backupOutput) = await RunAsync("backup", "--to", backup);
        Assert.True(backedUp == 0, backupOutput);
        var (verified, verifyOutput) = await RunAsync("restore", "--from", backup, "--verify");
        Assert.True(verified == 0, verifyOutput);
        var (refused, refusal) = await RunAsync("restore", "--from", backup);
        Assert.Equal(1, refused);
        Assert.Contains("Refusing to restore", refusal, StringComparison.Ordinal);

        await stack.RestartOnEmptyDataAsync();
        Assert.Equal(0, await TaskRowsAsync(prefix));
        // Restored with the worker stopped, the stack must hold exactly what the backup held.
        await stack.Stack.StopResourceAsync(stack.Stack.Workers[0]);
        var (restored, restoreOutput) = await RunAsync("restore", "--from", backup);
        Assert.True(restored == 0, restoreOutput);

        Assert.Equal(tablesBefore, await DigestsAsync());
        Assert.Equal(streamsBefore, await StreamLengthsAsync());
        Assert.Equal(300, await TaskRowsAsync(prefix));
        // Rewound, every restored entry is uncommitted again, and the backlog counts all their records.
        Assert.True(await TaskBacklogAsync() >= backlogBefore, "the restored backlog counts fewer records than the backup's");

        // Started again, the worker flushes the restored entries as it would have flushed the originals.
        await stack.Stack.StartResourceAsync(stack.Stack.Workers[0]);
        await stack.FlushAsync();
        Assert.Equal(0, await TaskBacklogAsync());
        await using var db = stack.OpenStorage();
        Assert.Equal(500, await TaskRowsAsync(prefix));
        Assert.Equal(30, await Rows.CountAsync(db, "translation_sessions", "session_id", prefix));
        Assert.Equal(50L, await StorageSql.CountAsync(db,
            "SELECT COUNT(*) FROM translation_tasks WHERE task_id LIKE CONCAT(@prefix, '-%') AND status = 'completed' AND translated_text = 'done'", ("@prefix", prefix)));
    }

    protected static void AssertOwnerOnly(string backup)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        Assert.Equal(OwnerOnly.FolderMode, File.GetUnixFileMode(backup));
        Assert.Equal(OwnerOnly.FolderMode, File.GetUnixFileMode(Path.Combine(backup, "streams")));
        Assert.All(Directory.EnumerateFiles(backup, "*", SearchOption.AllDirectories), file => Assert.Equal(OwnerOnly.FileMode, File.GetUnixFileMode(file)));
    }

    public void Dispose()
    {
        if (Directory.Exists(Backups))
        {
            Directory.Delete(Backups, recursive: true);
        }

        GC.SuppressFinalize(this);
    }

    protected Task<(int ExitCode, string Output)> RunAsync(params string[] arguments) =>
        stack.RunWorkerCommandAsync([.. arguments, $"--ConnectionStrings:{StackResources.Redis}={stack.RedisConnectionString}"]);

    protected async Task PostAsync(string prefix, int tasksFrom, int tasks, int sessionsFrom, int sessions, int secondsAfterCreation)
    {
        using (var response = await stack.PostTasksAsync(Records.Tasks(prefix, tasks, tasksFrom)))
        {
            Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        }

        using (var response = await stack.PostSessionsAsync(Enumerable.Range(sessionsFrom, sessions).Select(i => Records.Session($"{prefix}-s{i}", "processing", secondsAfterCreation))))
        {
            Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        }
    }

    protected async Task AddDeadLetterAsync(string prefix)
    {
        await using var redis = await ConnectionMultiplexer.ConnectAsync(stack.RedisConnectionString);
        await redis.GetDatabase().StreamAddAsync(PersistenceStreams.DeadLetters,
        [
            new(PersistenceStreams.Fields.SourceStream, PersistenceStreams.Tasks),
            new(PersistenceStreams.Fields.SourceId, "1-0"),
            new(PersistenceStreams.Fields.Reason, "Delivered 21 times without a commit; it may crash workers."),
            new(PersistenceStreams.Fields.Record, JsonSerializer.Serialize(Records.Task($"{prefix}-dead", $"{prefix}-s0"))),
        ]);
    }

    /// <summary>
    /// A digest of every row of each table, in key order, read through the driver: equal digests mean the same rows
    /// with the same values, on either backend.
    /// </summary>
    private async Task<Dictionary<string, string>> DigestsAsync()
    {
        await using var db = stack.OpenStorage();
        var digests = new Dictionary<string, string>();
        foreach (var (table, key) in Tables)
        {
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            await using var command = StorageSql.Command(db, $"SELECT * FROM {table} ORDER BY {key}");
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                for (var i = 0; i < reader.FieldCount; i++)
                {
                    var value = reader.GetValue(i) switch
                    {
                        byte[] bytes => Convert.ToHexString(bytes),
                        DateTime time => time.ToString("O", CultureInfo.InvariantCulture),
                        var other => Convert.ToString(other, CultureInfo.InvariantCulture),
                    };
                    hash.AppendData(Encoding.UTF8.GetBytes(value + "\u001f"));
                }
            }

            digests[table] = Convert.ToHexString(hash.GetHashAndReset());
        }

        return digests;
    }

    protected async Task<Dictionary<string, long>> StreamLengthsAsync()
    {
        await using var redis = await ConnectionMultiplexer.ConnectAsync(stack.RedisConnectionString);
        var database = redis.GetDatabase();
        var lengths = new Dictionary<string, long>();
        var layout = await StreamLayout.ReadAsync(database, StreamShards.DefaultCount);
        foreach (var stream in (string[])[.. layout.DataStreams, PersistenceStreams.DeadLetters])
        {
            lengths[stream] = await database.StreamLengthAsync(stream);
        }

        return lengths;
    }

    private async Task<long> TaskBacklogAsync()
    {
        await using var redis = await ConnectionMultiplexer.ConnectAsync(stack.RedisConnectionString);
        var progress = await StreamProgress.ReadAllAsync(redis.GetDatabase(), await stack.ShardsAsync(PersistenceStreams.Tasks));
        return progress.Sum(p => p.UncommittedRecords);
    }

    protected async Task<long> TaskRowsAsync(string prefix)
    {
        await using var db = stack.OpenStorage();
        return await Rows.CountAsync(db, "translation_tasks", "task_id", prefix);
    }
}

/// <summary>The drill on MariaDB, and what a restore does with the streams, the seal, a writer that keeps posting, and the schedule.</summary>
[Collection(BackupDrillDefinition.Name)]
public sealed class BackupRestoreTestsOnMySql(BackupDrillFixture stack) : BackupRestoreTests(stack)
{
    [Fact]
    public async Task Verify_names_the_file_of_a_backup_that_was_altered_after_it_was_written()
    {
        await using (var redis = await ConnectionMultiplexer.ConnectAsync(Stack.RedisConnectionString))
        {
            // At least one entry, so the stream file has a byte to change.
            await redis.GetDatabase().StreamAddAsync(PersistenceStreams.DeadLetters, PersistenceStreams.Fields.Reason, "verify test");
        }

        var backup = Path.Combine(Backups, "altered");
        var (backedUp, output) = await RunAsync("backup", "--to", backup);
        Assert.True(backedUp == 0, output);
        var file = Path.Combine(backup, "streams", "dead-letters.jsonl");
        var bytes = await File.ReadAllBytesAsync(file);
        bytes[^2] ^= 0x01;
        await File.WriteAllBytesAsync(file, bytes);

        var (verified, message) = await RunAsync("restore", "--from", backup, "--verify");

        Assert.Equal(1, verified);
        Assert.Contains("streams/dead-letters.jsonl", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_forced_restore_over_live_data_adds_back_only_the_entries_that_are_gone_under_their_first_id()
    {
        await PostAsync(Records.Prefix(), tasksFrom: 0, tasks: 20, sessionsFrom: 0, sessions: 1, secondsAfterCreation: 1);
        var backup = Path.Combine(Backups, "forced");
        var (backedUp, output) = await RunAsync("backup", "--to", backup);
        Assert.True(backedUp == 0, output);
        await using var redis = await ConnectionMultiplexer.ConnectAsync(Stack.RedisConnectionString);
        var database = redis.GetDatabase();
        var lengths = await StreamLengthsAsync();
        // As trimming would after a flush: the stream has gone past this id, so it cannot be added under it again.
        var shard = (await Stack.ShardsAsync(PersistenceStreams.Tasks))[0];
        var gone = (await database.StreamRangeAsync(shard, "-", "+", 1))[0];
        await database.StreamDeleteAsync(shard, [gone.Id]);

        // A restore takes the stack out of service: it runs with the workers stopped.
        await Stack.Stack.StopResourceAsync(Stack.Stack.Workers[0]);
        var (restored, report) = await RunAsync("restore", "--from", backup, "--force");
        await Stack.Stack.StartResourceAsync(Stack.Stack.Workers[0]);

        Assert.True(restored == 0, report);
        Assert.Contains("1 stream entries added", report, StringComparison.Ordinal);
        Assert.Equal(lengths, await StreamLengthsAsync());
        var readded = (await database.StreamRangeAsync(shard, "-", "+", 1, Order.Descending))[0];
        Assert.Equal(gone.Id.ToString(), readded[PersistenceStreams.Fields.ArrivedAs].ToString());
        // A batch entry comes back whole: its records array and their count.
        Assert.Equal(gone[PersistenceStreams.Fields.Records], readded[PersistenceStreams.Fields.Records]);
        Assert.Equal(gone[PersistenceStreams.Fields.Count], readded[PersistenceStreams.Fields.Count]);
        Assert.Equal(gone[PersistenceStreams.Fields.Record], readded[PersistenceStreams.Fields.Record]);
    }

    [Fact]
    public async Task A_restore_is_refused_while_a_worker_runs_and_leaves_the_stack_in_service()
    {
        var backup = Path.Combine(Backups, "refused");
        var (backedUp, output) = await RunAsync("backup", "--to", backup);
        Assert.True(backedUp == 0, output);

        var (refused, refusal) = await RunAsync("restore", "--from", backup, "--force");

        Assert.Equal(1, refused);
        Assert.Contains("while workers are running", refusal, StringComparison.Ordinal);
        await using var redis = await ConnectionMultiplexer.ConnectAsync(Stack.RedisConnectionString);
        var layout = await StreamLayout.ReadAsync(redis.GetDatabase(), StreamShards.DefaultCount);
        foreach (var stream in layout.DataStreams)
        {
            Assert.False(await redis.GetDatabase().KeyExistsAsync(StreamShards.SealKey(stream)), $"{stream} was left sealed");
        }

        using var accepted = await Stack.PostTasksAsync(Records.Tasks(Records.Prefix(), 5));
        Assert.Equal(System.Net.HttpStatusCode.Accepted, accepted.StatusCode);
    }

    [Fact]
    public async Task A_forced_restore_under_a_running_writer_keeps_the_backup_every_entry_committed_after_it_and_every_record_answered_202()
    {
        var prefix = Records.Prefix();
        await PostAsync(prefix, tasksFrom: 0, tasks: 20, sessionsFrom: 0, sessions: 1, secondsAfterCreation: 1);
        await Stack.FlushAsync();
        var backup = Path.Combine(Backups, "under-writer");
        var (backedUp, output) = await RunAsync("backup", "--to", backup);
        Assert.True(backedUp == 0, output);
        AssertOwnerOnly(backup);

        // Committed and acknowledged after the dump, still in the stream (trimming is slowed down on this stack): the
        // dump takes their rows away, and only a second delivery brings them back.
        await PostAsync(prefix, tasksFrom: 20, tasks: 30, sessionsFrom: 1, sessions: 1, secondsAfterCreation: 1);
        await Stack.FlushAsync();
        await Stack.Stack.StopResourceAsync(Stack.Stack.Workers[0]);

        var accepted = new System.Collections.Concurrent.ConcurrentBag<string>();
        var refused = 0;
        using var stopWriting = new CancellationTokenSource();
        var writer = Task.Run(async () =>
        {
            for (var round = 0; !stopWriting.IsCancellationRequested; round++)
            {
                // Of a session the backup has, so nothing about them is an orphan.
                var tasks = Enumerable.Range(0, 10).Select(i => Records.Task($"{prefix}-w{round}-t{i}", $"{prefix}-s0")).ToList();
                using var response = await Stack.PostTasksAsync(tasks);
                if (response.StatusCode == System.Net.HttpStatusCode.Accepted)
                {
                    tasks.ForEach(t => accepted.Add((string)t["task_id"]!));
                }
                else
                {
                    Assert.Equal(System.Net.HttpStatusCode.ServiceUnavailable, response.StatusCode);
                    Assert.NotNull(response.Headers.RetryAfter);
                    Interlocked.Increment(ref refused);
                }

                await Task.Delay(20);
            }
        });

        await Task.Delay(500);
        var (restored, report) = await RunAsync("restore", "--from", backup, "--force");
        await Task.Delay(500);
        await stopWriting.CancelAsync();
        await writer;
        await Stack.Stack.StartResourceAsync(Stack.Stack.Workers[0]);
        await Stack.FlushAsync();

        Assert.True(restored == 0, report);
        await using var db = Stack.OpenStorage();
        Assert.Equal(50 + accepted.Count, await TaskRowsAsync(prefix));
        Assert.Equal(2, await Rows.CountAsync(db, "translation_sessions", "session_id", prefix));
        Console.WriteLine($"restore under a writer: {accepted.Count} tasks accepted, {refused} batches refused (503) while the stack was sealed");
    }

    [Fact]
    public async Task The_worker_writes_backups_on_its_cron_schedule_into_folders_of_their_own_that_verify()
    {
        var deadline = DateTime.UtcNow.AddSeconds(150);
        while (BackupRetention.Complete(Stack.ScheduledBackups).Count == 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "No scheduled backup appeared.\n" + Stack.LogLines(Stack.Stack.Workers[0], "ackup"));
            await Task.Delay(1000);
        }

        var scheduled = BackupRetention.Complete(Stack.ScheduledBackups)[^1];
        Assert.Matches(@"^\d{8}T\d{6}Z$", Path.GetFileName(scheduled));
        var (verified, output) = await RunAsync("restore", "--from", scheduled, "--verify");
        Assert.True(verified == 0, output);
    }
}

[Collection(PostgresBackupDrillDefinition.Name)]
public sealed class BackupRestoreTestsOnPostgres(PostgresBackupDrillFixture stack) : BackupRestoreTests(stack);
