namespace Translation.Worker.Backup;

/// <summary>
/// Proves a backup folder is whole without restoring it: every file of the manifest is there with its size and
/// SHA-256, every stream file reads as entries and has as many as recorded, and the dump ran to its last line.
/// </summary>
public static class BackupVerifier
{
    // mariadb-dump ends every dump it finished with this comment; a dump cut short by a crash or a full disk lacks it.
    private const string DumpCompleted = "-- Dump completed";

    public static async Task<BackupManifest> VerifyAsync(string directory, CancellationToken cancellationToken)
    {
        var manifest = await BackupManifest.ReadAsync(directory, cancellationToken);
        if (manifest.Format != BackupManifest.CurrentFormat)
        {
            throw new BackupInvalidException($"The manifest has format {manifest.Format}; this worker reads format {BackupManifest.CurrentFormat}.");
        }

        if (manifest.Files.Count(f => f.Kind == BackupFile.MySqlDump) != 1)
        {
            throw new BackupInvalidException("The manifest names no MySQL dump, or more than one.");
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
            else if (!await EndsWithAsync(path, DumpCompleted, cancellationToken))
            {
                throw new BackupInvalidException($"{file.Path} does not end with '{DumpCompleted}': the dump did not finish.");
            }
        }

        return manifest;
    }

    private static async Task<bool> EndsWithAsync(string path, string marker, CancellationToken cancellationToken)
    {
        await using var file = File.OpenRead(path);
        var tail = new byte[Math.Min(file.Length, 256)];
        file.Seek(-tail.Length, SeekOrigin.End);
        await file.ReadExactlyAsync(tail, cancellationToken);
        return System.Text.Encoding.UTF8.GetString(tail).TrimEnd().Split('\n')[^1].StartsWith(marker, StringComparison.Ordinal);
    }
}
