using Translation.Worker.Backup;

namespace Translation.Worker.Tests;

public sealed class BackupRetentionTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("backup-retention-").FullName;

    [Fact]
    public void Pruning_keeps_the_newest_complete_backups_and_deletes_older_ones_and_unfinished_runs()
    {
        var days = Enumerable.Range(1, 9).Select(d => new DateTimeOffset(2026, 11, d, 2, 30, 0, TimeSpan.Zero)).ToList();
        foreach (var day in days)
        {
            Complete(BackupRetention.NameFor(day));
        }

        // A run that died before its rename, a folder whose manifest never came, and a stranger's folder.
        Directory.CreateDirectory(Path.Combine(_root, BackupRetention.NameFor(days[^1].AddDays(1)) + BackupRetention.PartialSuffix));
        Directory.CreateDirectory(Path.Combine(_root, BackupRetention.NameFor(days[0].AddDays(-1))));
        Directory.CreateDirectory(Path.Combine(_root, "notes"));

        var deleted = BackupRetention.Prune(_root, keep: 7);

        Assert.Equal(3, deleted.Count);
        Assert.Equal(days.Skip(2).Select(d => Path.Combine(_root, BackupRetention.NameFor(d))), BackupRetention.Complete(_root));
        Assert.True(Directory.Exists(Path.Combine(_root, "notes")));
        Assert.True(Directory.Exists(Path.Combine(_root, BackupRetention.NameFor(days[0].AddDays(-1)))));
    }

    [Fact]
    public void Names_sort_by_the_UTC_start_time_whatever_the_offset()
    {
        var earlier = BackupRetention.NameFor(new DateTimeOffset(2026, 11, 25, 9, 0, 0, TimeSpan.FromHours(8)));
        var later = BackupRetention.NameFor(new DateTimeOffset(2026, 11, 25, 2, 0, 0, TimeSpan.Zero));

        Assert.Equal("20261125T010000Z", earlier);
        Assert.True(string.CompareOrdinal(earlier, later) < 0);
    }

    [Fact]
    public void Pruning_a_folder_that_does_not_exist_deletes_nothing() =>
        Assert.Empty(BackupRetention.Prune(Path.Combine(_root, "missing"), keep: 7));

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private void Complete(string name)
    {
        var directory = Directory.CreateDirectory(Path.Combine(_root, name)).FullName;
        File.WriteAllText(Path.Combine(directory, BackupManifest.FileName), "{}");
    }
}
