using System.Data.Common;
using System.Globalization;
using Persistence.Contracts;
using Persistence.Storage;
using StackExchange.Redis;
using Translation.Worker.Backup.MySql;

namespace Translation.Worker.Backup;

/// <summary>
/// What a restore brought back: the dump, per stream the entries added and those already there, and the layout now
/// recorded (a switch in it means old shards still hold entries: run <c>reshard</c> once the workers are back).
/// </summary>
public sealed record RestoreReport(
    BackupManifest Manifest, IReadOnlyDictionary<string, (long Added, long Present)> Streams, StreamLayout Layout, TimeSpan Duration,
    BinlogReplayReport? Binlog = null);

/// <summary>
/// Restores a verified backup in steps: (1) take the stack out of service: no worker may run, and every stream of
/// the live and the backup's layout is sealed; (2) the base restore: the database from the dump, the layout, the
/// stream entries, the consumer groups rewound; with a point in time (MySQL), the archived binary log replayed on the
/// dump, while nothing else writes; (3) back in service: the restored layout's streams unsealed. A restore that fails
/// after (1) leaves the streams sealed: the API refuses appends rather than take them into a half-restored stack,
/// until a restore succeeds.
/// </summary>
public sealed class BackupRestorer(
    DbDataSource dataSource, StorageDialect dialect, IConnectionMultiplexer redis, DatabaseDump dump, ServiceSeal seal, TimeProvider time, BinlogReplay? binlog = null)
{
    /// <summary>With a <paramref name="pointInTime"/>, the archived binary log is replayed on the dump, up to that time.</summary>
    public async Task<RestoreReport> RestoreAsync(string directory, bool overwrite, PointInTime? pointInTime, CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        var manifest = await BackupVerifier.VerifyAsync(directory, cancellationToken);
        if (manifest.Dump.Kind != dump.Kind)
        {
            throw new InvalidOperationException(
                $"This backup holds a {manifest.Dump.Kind} and this stack's database is {dialect.DisplayName}: restore it into a stack on the backend it was taken from.");
        }

        if (pointInTime is not null && (manifest.Binlog is null || binlog is null))
        {
            throw new InvalidOperationException(dump.Kind == BackupFile.MySqlDump
                ? "This backup records no binary-log position (its server wrote no binary log): restore it without --to-time or --to-latest."
                : $"Point-in-time restore replays MySQL's binary log and is not available on {dialect.DisplayName}: restore without --to-time or --to-latest, to the moment the backup was taken.");
        }

        var database = redis.GetDatabase();
        await seal.RefuseWhileWorkersRunAsync();
        var live = await StreamLayout.ReadAsync(database, StreamShards.DefaultCount);
        if (!overwrite && await FindDataAsync(live, cancellationToken) is { } found)
        {
            throw new InvalidOperationException($"Refusing to restore: {found}. Restore into an empty stack, or pass --force to replace the tables and merge the streams.");
        }

        var layout = await RestoredLayoutAsync(database, live, manifest);
        var sealedNow = await seal.SealAsync([.. live.DataStreams, .. layout.DataStreams]);
        try
        {
            // Again, now that nothing can append: a worker started since the first look would write into the dump.
            await seal.RefuseWhileWorkersRunAsync();
        }
        catch (InvalidOperationException)
        {
            await seal.UnsealAsync(sealedNow);
            throw;
        }

        var streams = await RestoreBaseAsync(database, directory, manifest, live, layout, cancellationToken);
        var replayed = pointInTime is null ? null : await binlog!.ReplayAsync(manifest.Binlog!, pointInTime, cancellationToken);
        await seal.UnsealAsync(ServiceSeal.Writable(layout));
        return new RestoreReport(manifest, streams, layout, time.GetElapsedTime(started), replayed);
    }

    private async Task<Dictionary<string, (long, long)>> RestoreBaseAsync(
        IDatabase database, string directory, BackupManifest manifest, StreamLayout live, StreamLayout layout, CancellationToken cancellationToken)
    {
        await dump.ReplayAsync(Path.Combine(directory, manifest.Dump.Path), cancellationToken);
        await StreamLayout.RestoreAsync(database, layout.Active.Count, layout.Next?.Count);
        var streams = new Dictionary<string, (long, long)>();
        foreach (var file in manifest.Files.Where(f => f.Kind == BackupFile.StreamEntries))
        {
            streams[file.Stream!] = await StreamRestore.AddEntriesAsync(database, file.Stream!, Path.Combine(directory, file.Path), cancellationToken);
        }

        foreach (var stream in live.DataStreams.Union(layout.DataStreams))
        {
            await StreamRestore.RewindAsync(database, stream);
        }

        return streams;
    }

    /// <summary>
    /// The backup's layout, unless the live one has shards outside it that still hold entries: those would be left
    /// where no flusher reads. Then the live layout stays active with a switch to the backup's recorded, so the workers
    /// flush both and <c>reshard --to N</c> drains the old shards as after any switch.
    /// </summary>
    private static async Task<StreamLayout> RestoredLayoutAsync(IDatabase database, StreamLayout live, BackupManifest manifest)
    {
        var backup = new StreamLayout(new StreamShards(manifest.StreamShards), manifest.NextStreamShards is { } next ? new StreamShards(next) : null);
        var outside = live.DataStreams.Except(backup.DataStreams).ToList();
        var holding = new List<string>();
        foreach (var stream in outside)
        {
            if (await database.StreamLengthAsync(stream) > 0)
            {
                holding.Add(stream);
            }
        }

        if (holding.Count == 0)
        {
            return backup;
        }

        return live.Switching || backup.Switching
            ? throw new InvalidOperationException(
                $"Refusing to restore: the live layout ({live}) differs from the backup's ({backup}) and {string.Join(", ", holding)} still hold entries, "
                + "while one of them is in the middle of a switch. Start the workers and finish the live switch (reshard) first.")
            : new StreamLayout(live.Active, backup.Active);
    }

    /// <summary>What makes the target not empty, or null: rows in any table but the migration history, or stream entries.</summary>
    private async Task<string?> FindDataAsync(StreamLayout live, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var tables = new List<string>();
        await using (var list = connection.CreateCommand())
        {
            list.CommandText =
                $"SELECT table_name FROM information_schema.tables WHERE table_schema = {dialect.CurrentSchema} AND table_type = 'BASE TABLE' AND table_name <> 'schema_migrations'";
            await using var reader = await list.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                tables.Add(reader.GetString(0));
            }
        }

        foreach (var table in tables)
        {
            await using var any = connection.CreateCommand();
            any.CommandText = $"SELECT EXISTS (SELECT 1 FROM {dialect.QuoteIdentifier(table)})";
            if (Convert.ToBoolean(await any.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture))
            {
                return $"table {table} has rows";
            }
        }

        var database = redis.GetDatabase();
        foreach (var stream in StreamArchive.Streams(live))
        {
            if (await database.StreamLengthAsync(stream) is var length and > 0)
            {
                return $"stream {stream} has {length} entries";
            }
        }

        return null;
    }
}
