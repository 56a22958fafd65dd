using System.Globalization;

namespace Translation.Worker.Backup;

/// <summary>
/// The scheduled backups under <see cref="BackupOptions.Directory"/>: one folder each, named by its UTC start time so
/// names sort by age, written as <c>NAME.partial</c> and renamed once its manifest is in. Only renamed folders with a
/// manifest count as backups; retention never deletes one of them to make room for a backup that failed.
/// </summary>
public static class BackupRetention
{
    public const string PartialSuffix = ".partial";
    private const string NameFormat = "yyyyMMdd'T'HHmmss'Z'";

    public static string NameFor(DateTimeOffset startedAt) => startedAt.UtcDateTime.ToString(NameFormat, CultureInfo.InvariantCulture);

    /// <summary>Complete backups, oldest first.</summary>
    public static IReadOnlyList<string> Complete(string root) =>
        !Directory.Exists(root)
            ? []
            : [.. Directory.EnumerateDirectories(root)
                .Where(d => IsBackupName(Path.GetFileName(d)) && File.Exists(Path.Combine(d, BackupManifest.FileName)))
                .Order(StringComparer.Ordinal)];

    /// <summary>Deletes all but the newest <paramref name="keep"/> complete backups, and unfinished ones; returns what it deleted.</summary>
    public static IReadOnlyList<string> Prune(string root, int keep)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(keep, 1);
        var complete = Complete(root);
        // Called only while holding the backup lock, so a .partial folder is a run that died, never one in progress.
        var doomed = complete.Take(Math.Max(0, complete.Count - keep))
            .Concat(Directory.Exists(root) ? Directory.EnumerateDirectories(root, "*" + PartialSuffix) : [])
            .ToList();
        foreach (var directory in doomed)
        {
            Directory.Delete(directory, recursive: true);
        }

        return doomed;
    }

    private static bool IsBackupName(string name) =>
        DateTime.TryParseExact(name, NameFormat, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out _);
}
