using System.Diagnostics;
using System.Reflection;
using System.Security.Cryptography;
using MySqlConnector;
using Persistence.Contracts;
using StackExchange.Redis;

namespace Translation.Worker.Backup;

/// <summary>
/// Writes one backup folder: the Redis streams first, then the MySQL dump. In that order nothing falls between the
/// two: an entry trimmed after its stream was copied was committed before it was trimmed, so the later snapshot has it.
/// </summary>
public sealed class BackupWriter(MySqlDataSource dataSource, IConnectionMultiplexer redis, MySqlTools tools, TimeProvider time)
{
    public const string DumpFileName = "mysql.sql";

    public async Task<BackupManifest> WriteAsync(string directory, CancellationToken cancellationToken)
    {
        if (Directory.Exists(directory) && Directory.EnumerateFileSystemEntries(directory).Any())
        {
            throw new InvalidOperationException($"{directory} is not empty; a backup goes into a new or empty folder.");
        }

        var started = time.GetTimestamp();
        var createdAt = time.GetUtcNow();
        OwnerOnly.CreateFolder(directory);
        OwnerOnly.CreateFolder(Path.Combine(directory, "streams"));
        var database = redis.GetDatabase();
        var files = new List<BackupFile>();
        var layout = await StreamLayout.ReadAsync(database, StreamShards.DefaultCount);
        foreach (var stream in StreamArchive.Streams(layout))
        {
            var relative = StreamArchive.FileName(stream);
            long entries;
            await using (var output = OwnerOnly.Create(Path.Combine(directory, relative)))
            {
                entries = await StreamArchive.WriteAsync(database, stream, output, cancellationToken);
            }

            files.Add(await DescribeAsync(directory, relative, BackupFile.StreamEntries, cancellationToken) with { Stream = stream, Entries = entries });
        }

        var serverId = await BinlogServerIdAsync(cancellationToken);
        // Created owner-only before the dump tool opens it: it truncates an existing file and keeps its mode.
        await OwnerOnly.Create(Path.Combine(directory, DumpFileName)).DisposeAsync();
        await tools.DumpAsync(Path.Combine(directory, DumpFileName), withBinlogPosition: serverId is not null, cancellationToken);
        files.Add(await DescribeAsync(directory, DumpFileName, BackupFile.MySqlDump, cancellationToken));
        var binlog = serverId is { } id ? await BinlogPosition.ReadFromDumpAsync(Path.Combine(directory, DumpFileName), id, cancellationToken) : null;

        var manifest = new BackupManifest(
            BackupManifest.CurrentFormat,
            createdAt,
            typeof(BackupWriter).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown",
            await ServerVersionAsync(cancellationToken),
            await tools.DumpToolVersionAsync(cancellationToken),
            RedisVersion(),
            await SchemaVersionAsync(cancellationToken),
            (long)time.GetElapsedTime(started).TotalMilliseconds,
            files,
            layout.Active.Count,
            layout.Next?.Count,
            binlog);
        await BackupManifest.WriteAsync(directory, manifest, cancellationToken);
        return manifest;
    }

    public static async Task<BackupFile> DescribeAsync(string directory, string relative, string kind, CancellationToken cancellationToken)
    {
        await using var file = File.OpenRead(Path.Combine(directory, relative));
        var hash = await SHA256.HashDataAsync(file, cancellationToken);
        return new BackupFile(relative.Replace('\\', '/'), kind, file.Length, Convert.ToHexStringLower(hash));
    }

    private async Task<string> ServerVersionAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return connection.ServerVersion;
    }

    /// <summary>The server id when the server writes a binary log (a point-in-time restore continues from the dump), else null.</summary>
    private async Task<long?> BinlogServerIdAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = new MySqlCommand("SELECT @@log_bin, @@server_id", connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return Convert.ToInt64(reader.GetValue(0), System.Globalization.CultureInfo.InvariantCulture) != 0 ? Convert.ToInt64(reader.GetValue(1), System.Globalization.CultureInfo.InvariantCulture) : null;
    }

    private async Task<int> SchemaVersionAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = new MySqlCommand("SELECT COALESCE(MAX(version), 0) FROM schema_migrations", connection);
        return Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// The version of every master the streams were read from, lowest first: one for a single Redis or a cluster of one
    /// version, several for a cluster upgraded node by node.
    /// </summary>
    private string RedisVersion()
    {
        var versions = redis.GetServers().Where(s => !s.IsReplica).Select(s => s.Version).Distinct().Order().ToList();
        return versions.Count == 0 ? "unknown" : string.Join(", ", versions);
    }
}
