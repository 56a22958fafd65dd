namespace Integration.Tests;

/// <summary>
/// A stack of its own, one of each process, for the restore drill: it is backed up, destroyed and started again on
/// empty data folders, so it can share with nothing.
/// </summary>
public class BackupDrillFixture : StackFixture
{
    protected override IEnumerable<string> StackArguments =>
    [
        .. Backend == Persistence.Contracts.StorageBackends.MySql ? [] : (string[])["--database", Backend],
        "--replicas", "1", "--workers", "1", "--gateways", "1",
        // Sharded, so the backup carries several shards and the restore puts the layout back.
        "--shards", "2",
        // Acknowledged entries stay in the streams too, so the backup also carries entries MySQL already has.
        "--worker-setting", "Flush__TrimIntervalMs=600000",
        // Every minute, keeping one, so a test sees a scheduled backup and its retention within a minute or two.
        "--worker-setting", "Backup__Enabled=true",
        "--worker-setting", "Backup__Schedule=* * * * *",
        "--worker-setting", "Backup__Keep=1",
        "--worker-setting", $"Backup__Directory={ScheduledBackups}",
    ];

    /// <summary>Where the worker's scheduled backups go; kept across the drill's restart, as a backup disk would be.</summary>
    public string ScheduledBackups => Path.Combine(StateDirectory, "backups");

    /// <summary>Deletes Redis's and the database's data folders, as a lost disk would, and starts the stack on empty ones.</summary>
    public Task RestartOnEmptyDataAsync() => RestartStackAsync(() =>
    {
        Directory.Delete(Path.Combine(StateDirectory, Persistence.Contracts.StackResources.Redis), recursive: true);
        var server = Backend == Persistence.Contracts.StorageBackends.PostgreSql ? Persistence.Contracts.StackResources.Postgres : Persistence.Contracts.StackResources.MySql;
        Directory.Delete(Path.Combine(StateDirectory, server, "data"), recursive: true);
    });
}

/// <summary>The restore drill's stack on PostgreSQL (<c>--database postgres</c>).</summary>
public sealed class PostgresBackupDrillFixture : BackupDrillFixture
{
    public override string Backend => Persistence.Contracts.StorageBackends.PostgreSql;
}

[CollectionDefinition(Name)]
public sealed class BackupDrillDefinition : ICollectionFixture<BackupDrillFixture>
{
    public const string Name = "backup drill stack";
}

[CollectionDefinition(Name)]
public sealed class PostgresBackupDrillDefinition : ICollectionFixture<PostgresBackupDrillFixture>
{
    public const string Name = "backup drill stack on postgres";
}
