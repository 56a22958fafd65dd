using MySqlConnector;
using Persistence.Contracts;
using StackExchange.Redis;

namespace Translation.Worker.Backup;

/// <summary>What a restore brought back: the dump, and per stream the entries added and those already there.</summary>
public sealed record RestoreReport(
    BackupManifest Manifest, IReadOnlyDictionary<string, (long Added, long Present)> Streams, TimeSpan Duration, BinlogReplayReport? Binlog = null);

/// <summary>
/// Restores a verified backup: MySQL first, then the stream entries, so a worker flushing them meanwhile writes
/// into the restored tables rather than into ones the dump is about to drop. Entries keep their ids, and with them
/// their place in the row versions; the flushers' consumer group starts from the beginning, so they flush normally.
/// </summary>
public sealed class BackupRestorer(MySqlDataSource dataSource, IConnectionMultiplexer redis, MySqlTools tools, BinlogReplay binlog, TimeProvider time)
{
    private const int BatchSize = 1000;

    /// <summary>With a <paramref name="pointInTime"/>, the archived binary log is replayed on the dump, up to that time.</summary>
    public async Task<RestoreReport> RestoreAsync(string directory, bool overwrite, PointInTime? pointInTime, CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        var manifest = await BackupVerifier.VerifyAsync(directory, cancellationToken);
        if (pointInTime is not null && manifest.Binlog is null)
        {
            throw new InvalidOperationException("This backup records no binary-log position (its server wrote no binary log): restore it without --to-time or --to-latest.");
        }

        if (!overwrite && await FindDataAsync(cancellationToken) is { } found)
        {
            throw new InvalidOperationException($"Refusing to restore: {found}. Restore into an empty stack, or pass --force to replace the tables and merge the streams.");
        }

        await tools.ReplayAsync(Path.Combine(directory, manifest.Files.Single(f => f.Kind == BackupFile.MySqlDump).Path), cancellationToken);
        var replayed = pointInTime is null ? null : await binlog.ReplayAsync(manifest.Binlog!, pointInTime, cancellationToken);

        var database = redis.GetDatabase();
        // The backup's layout, before its entries: the workers start flushing its shards as soon as they see it.
        await StreamLayout.RestoreAsync(database, manifest.StreamShards, manifest.NextStreamShards);
        var streams = new Dictionary<string, (long, long)>();
        foreach (var file in manifest.Files.Where(f => f.Kind == BackupFile.StreamEntries))
        {
            streams[file.Stream!] = await RestoreStreamAsync(database, file.Stream!, Path.Combine(directory, file.Path), cancellationToken);
        }

        return new RestoreReport(manifest, streams, time.GetElapsedTime(started), replayed);
    }

    /// <summary>What makes the target not empty, or null: rows in any table but the migration history, or stream entries.</summary>
    private async Task<string?> FindDataAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var tables = new List<string>();
        await using (var list = new MySqlCommand(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = DATABASE() AND table_type = 'BASE TABLE' AND table_name <> 'schema_migrations'",
            connection))
        await using (var reader = await list.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                tables.Add(reader.GetString(0));
            }
        }

        foreach (var table in tables)
        {
            await using var any = new MySqlCommand($"SELECT EXISTS (SELECT 1 FROM `{table.Replace("`", "``", StringComparison.Ordinal)}`)", connection);
            if (Convert.ToInt64(await any.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture) != 0)
            {
                return $"table {table} has rows";
            }
        }

        var database = redis.GetDatabase();
        foreach (var stream in StreamArchive.Streams(await StreamLayout.ReadAsync(database, StreamShards.DefaultCount)))
        {
            if (await database.StreamLengthAsync(stream) is var length and > 0)
            {
                return $"stream {stream} has {length} entries";
            }
        }

        return null;
    }

    private static async Task<(long Added, long Present)> RestoreStreamAsync(IDatabase database, string stream, string path, CancellationToken cancellationToken)
    {
        // Into an empty stream every entry keeps its id. Into one that already went past an id (--force), an entry
        // still there is skipped, and one that is not is appended anew carrying its first id in arrived_as, which the
        // flusher orders it by, so it lands in its original place and not after what came later.
        var last = await database.KeyExistsAsync(stream) ? StreamId.Parse((await database.StreamInfoAsync(stream)).LastGeneratedId.ToString()) : StreamId.Zero;
        long added = 0, present = 0;
        var pending = new List<Task>(BatchSize);
        await foreach (var (id, fields) in StreamArchive.ReadAsync(path, cancellationToken))
        {
            if (id > last)
            {
                pending.Add(database.StreamAddAsync(stream, fields, id.ToString()));
                added++;
            }
            else if ((await database.StreamRangeAsync(stream, id.ToString(), id.ToString(), 1)).Length > 0)
            {
                present++;
            }
            else
            {
                var replay = stream == PersistenceStreams.DeadLetters || fields.Any(f => f.Name == PersistenceStreams.Fields.ArrivedAs)
                    ? fields
                    : [.. fields, new NameValueEntry(PersistenceStreams.Fields.ArrivedAs, id.ToString())];
                pending.Add(database.StreamAddAsync(stream, replay));
                added++;
            }

            if (pending.Count >= BatchSize)
            {
                await Task.WhenAll(pending);
                pending.Clear();
            }
        }

        await Task.WhenAll(pending);
        return (added, present);
    }
}
