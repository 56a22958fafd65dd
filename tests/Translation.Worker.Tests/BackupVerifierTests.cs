using Translation.Worker.Backup;

namespace Translation.Worker.Tests;

/// <summary>Verification of backup folders written by hand, so each way of being broken is exact.</summary>
public sealed class BackupVerifierTests : IDisposable
{
    private const string CompleteDump = "CREATE TABLE t (id INT);\n-- Dump completed on 2026-11-25  2:30:01\n";

    private readonly string _root = Directory.CreateTempSubdirectory("backup-verify-").FullName;

    [Fact]
    public async Task A_whole_backup_verifies()
    {
        await WriteBackupAsync(CompleteDump, "{\"id\":\"1-0\",\"fields\":[[\"record\",\"{}\"]]}\n", entries: 1);

        var manifest = await BackupVerifier.VerifyAsync(_root, CancellationToken.None);

        Assert.Equal(2, manifest.Files.Count);
    }

    [Fact]
    public async Task A_folder_without_a_manifest_is_an_unfinished_backup()
    {
        var error = await Assert.ThrowsAsync<BackupInvalidException>(() => BackupVerifier.VerifyAsync(_root, CancellationToken.None));

        Assert.Contains("did not finish", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_dump_cut_short_is_refused_even_when_its_checksum_matches()
    {
        await WriteBackupAsync("CREATE TABLE t (id INT);\nINSERT INTO t VALUES (1", "", entries: 0);

        var error = await Assert.ThrowsAsync<BackupInvalidException>(() => BackupVerifier.VerifyAsync(_root, CancellationToken.None));

        Assert.Contains("the dump did not finish", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_stream_file_with_fewer_entries_than_recorded_is_refused()
    {
        await WriteBackupAsync(CompleteDump, "{\"id\":\"1-0\",\"fields\":[[\"record\",\"{}\"]]}\n", entries: 2);

        var error = await Assert.ThrowsAsync<BackupInvalidException>(() => BackupVerifier.VerifyAsync(_root, CancellationToken.None));

        Assert.Contains("has 1 entries; the manifest recorded 2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_line_that_is_not_an_entry_is_refused_by_its_number()
    {
        await WriteBackupAsync(CompleteDump, "{\"id\":\"1-0\",\"fields\":[[\"record\",\"{}\"]]}\n{\"id\":\"x\",\"fields\":[]}\n", entries: 2);

        var error = await Assert.ThrowsAsync<BackupInvalidException>(() => BackupVerifier.VerifyAsync(_root, CancellationToken.None));

        Assert.Contains("line 2 is not a stream entry", error.Message, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private async Task WriteBackupAsync(string dump, string lines, long entries)
    {
        Directory.CreateDirectory(Path.Combine(_root, "streams"));
        await File.WriteAllTextAsync(Path.Combine(_root, BackupWriter.DumpFileName), dump);
        var streamFile = Path.Combine("streams", "tasks.jsonl");
        await File.WriteAllTextAsync(Path.Combine(_root, streamFile), lines);
        var files = new List<BackupFile>
        {
            await BackupWriter.DescribeAsync(_root, BackupWriter.DumpFileName, BackupFile.MySqlDump, CancellationToken.None),
            await BackupWriter.DescribeAsync(_root, streamFile, BackupFile.StreamEntries, CancellationToken.None) with { Stream = "{persistence}:tasks", Entries = entries },
        };
        await BackupManifest.WriteAsync(_root, new BackupManifest(BackupManifest.CurrentFormat, DateTimeOffset.UnixEpoch, "test", "11", "mariadb-dump", "8", 5, 0, files), CancellationToken.None);
    }
}
