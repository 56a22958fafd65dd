using Translation.Worker.Backup;

namespace Translation.Worker.Tests;

/// <summary>Verification of backup folders written by hand, so each way of being broken is exact.</summary>
public sealed class BackupVerifierTests : IDisposable
{
    private const string CompleteDump = "CREATE TABLE t (id INT);\n-- Dump completed on 2026-11-25  2:30:01\n";

    // As pg_dump 15.18 ends a plain dump: its completion comment, then psql's \unrestrict with the dump's key.
    private const string CompletePostgreSqlDump =
        "COPY public.t (id) FROM stdin;\n1\n\\.\n\n\n--\n-- PostgreSQL database dump complete\n--\n\n\\unrestrict A8eFC062TmpLZ9JAB9pn2\n\n";

    private readonly string _root = Directory.CreateTempSubdirectory("backup-verify-").FullName;

    [Fact]
    public async Task A_whole_backup_verifies()
    {
        await WriteBackupAsync(CompleteDump, "{\"id\":\"1-0\",\"fields\":[[\"record\",\"{}\"]]}\n", entries: 1);

        var manifest = await BackupVerifier.VerifyAsync(_root, CancellationToken.None);

        Assert.Equal(2, manifest.Files.Count);
    }

    [Fact]
    public async Task A_whole_postgresql_backup_verifies_with_the_lines_pg_dump_writes_after_its_completion_comment()
    {
        await WriteBackupAsync(CompletePostgreSqlDump, "", entries: 0, BackupFile.PostgreSqlDump);

        var manifest = await BackupVerifier.VerifyAsync(_root, CancellationToken.None);

        Assert.Equal(BackupFile.PostgreSqlDump, manifest.Dump.Kind);
    }

    [Fact]
    public async Task A_postgresql_dump_cut_short_is_refused_even_when_its_checksum_matches()
    {
        await WriteBackupAsync("COPY public.t (id) FROM stdin;\n1\n", "", entries: 0, BackupFile.PostgreSqlDump);

        var error = await Assert.ThrowsAsync<BackupInvalidException>(() => BackupVerifier.VerifyAsync(_root, CancellationToken.None));

        Assert.Contains("does not end with '-- PostgreSQL database dump complete'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_dump_with_rows_after_its_completion_comment_is_refused()
    {
        await WriteBackupAsync(CompleteDump + "INSERT INTO t VALUES (2);\n", "", entries: 0);

        var error = await Assert.ThrowsAsync<BackupInvalidException>(() => BackupVerifier.VerifyAsync(_root, CancellationToken.None));

        Assert.Contains("the dump did not finish", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_format_1_backup_from_before_postgresql_still_verifies()
    {
        await WriteBackupAsync(CompleteDump, "", entries: 0);
        var manifest = Path.Combine(_root, BackupManifest.FileName);
        var text = await File.ReadAllTextAsync(manifest);
        await File.WriteAllTextAsync(manifest, text.Replace("\"format\": 2", "\"format\": 1", StringComparison.Ordinal)
            .Replace("database_server_version", "mysql_server_version", StringComparison.Ordinal));

        var verified = await BackupVerifier.VerifyAsync(_root, CancellationToken.None);

        Assert.Equal(1, verified.Format);
        Assert.Equal(BackupFile.MySqlDump, verified.Dump.Kind);
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

    private async Task WriteBackupAsync(string dump, string lines, long entries, string kind = BackupFile.MySqlDump)
    {
        Directory.CreateDirectory(Path.Combine(_root, "streams"));
        var dumpFile = kind + ".sql";
        await File.WriteAllTextAsync(Path.Combine(_root, dumpFile), dump);
        var streamFile = Path.Combine("streams", "tasks.jsonl");
        await File.WriteAllTextAsync(Path.Combine(_root, streamFile), lines);
        var files = new List<BackupFile>
        {
            await BackupWriter.DescribeAsync(_root, dumpFile, kind, CancellationToken.None),
            await BackupWriter.DescribeAsync(_root, streamFile, BackupFile.StreamEntries, CancellationToken.None) with { Stream = "{persistence}:tasks", Entries = entries },
        };
        await BackupManifest.WriteAsync(_root, new BackupManifest(BackupManifest.CurrentFormat, DateTimeOffset.UnixEpoch, "test", "11", "mariadb-dump", "8", 5, 0, files), CancellationToken.None);
    }
}
