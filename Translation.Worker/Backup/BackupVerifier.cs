namespace Translation.Worker.Backup;

/// <summary>
/// Proves a backup folder is whole without restoring it: every file of the manifest is there with its size and
/// SHA-256, every stream file reads as entries and has as many as recorded, and the dump ran to its last line.
/// </summary>
public static class BackupVerifier
{
    // Each dump tool ends every dump it finished with such a comment (pg_dump 15.14 and later follow it with a
    // \unrestrict line); a dump cut short by a crash or a full disk lacks it.
    private static readonly Dictionary<string, string> DumpCompleted = new()
    {
        [BackupFile.MySqlDump] = "-- Dump completed",
        [BackupFile.PostgreSqlDump] = "-- PostgreSQL database dump complete",
    };

    public static async Task<BackupManifest> VerifyAsync(string directory, CancellationToken cancellationToken)
    {
        var manifest = await BackupManifest.ReadAsync(directory, cancellationToken);
        if (!BackupManifest.ReadableFormats.Contains(manifest.Format))
        {
            throw new BackupInvalidException($"The manifest has format {manifest.Format}; this worker reads formats {string.Join(" and ", BackupManifest.ReadableFormats)}.");
        }

        if (manifest.Files.Count(f => BackupFile.DumpKinds.Contains(f.Kind)) != 1)
        {
            throw new BackupInvalidException("The manifest names no database dump, or more than one.");
        }

        foreach (var file in manifest.Files)
        {
            var path = Path.Combine(directory, file.Path);
            if (!File.Exists(path))
            {
                throw new BackupInvalidException($"{file.Path} is missing.");
            }

            var actual = await BackupWriter.DescribeAsync(directory, file.Path, file.Kind, cancellationToken);
            if (actual.Bytes != file.Bytes || actual.Sha256 != file.Sha256)
            {
                throw new BackupInvalidException($"{file.Path} has {actual.Bytes} bytes and SHA-256 {actual.Sha256}; the manifest recorded {file.Bytes} bytes and {file.Sha256}.");
            }

            if (file.Kind == BackupFile.StreamEntries)
            {
                long entries = 0;
                await foreach (var _ in StreamArchive.ReadAsync(path, cancellationToken))
                {
                    entries++;
                }

                if (entries != file.Entries)
                {
                    throw new BackupInvalidException($"{file.Path} has {entries} entries; the manifest recorded {file.Entries}.");
                }
            }
            else if (DumpCompleted.TryGetValue(file.Kind, out var completed) && !await EndsWithAsync(path, completed, cancellationToken))
            {
                throw new BackupInvalidException($"{file.Path} does not end with '{completed}': the dump did not finish.");
            }
        }

        return manifest;
    }

    private static async Task<bool> EndsWithAsync(string path, string marker, CancellationToken cancellationToken)
    {
        await using var file = File.OpenRead(path);
        var tail = new byte[Math.Min(file.Length, 512)];
        file.Seek(-tail.Length, SeekOrigin.End);
        await file.ReadExactlyAsync(tail, cancellationToken);
        // The marker, then nothing but comments and psql's \unrestrict.
        var lines = System.Text.Encoding.UTF8.GetString(tail).Split('\n').Select(l => l.TrimEnd()).Where(l => l.Length > 0).ToList();
        var at = lines.FindLastIndex(l => l.StartsWith(marker, StringComparison.Ordinal));
        return at >= 0 && lines.Skip(at + 1).All(l => l.StartsWith("--", StringComparison.Ordinal) || l.StartsWith("\\unrestrict ", StringComparison.Ordinal));
    }
}
