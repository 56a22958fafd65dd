using System.Data.Common;
using System.Globalization;
using System.Reflection;
using System.Security.Cryptography;
using Persistence.Contracts;
using StackExchange.Redis;

namespace Translation.Worker.Backup;

/// <summary>
/// Writes one backup folder: the Redis streams first, then the database dump. In that order nothing falls between the
/// two: an entry trimmed after its stream was copied was committed before it was trimmed, so the later snapshot has it.
/// </summary>
public sealed class BackupWriter(DbDataSource dataSource, IConnectionMultiplexer redis, DatabaseDump dump, TimeProvider time)
{
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

        // Created owner-only before the dump tool opens it: it truncates an existing file and keeps its mode.
        await OwnerOnly.Create(Path.Combine(directory, dump.FileName)).DisposeAsync();
        var binlog = await dump.WriteAsync(Path.Combine(directory, dump.FileName), cancellationToken);
        files.Add(await DescribeAsync(directory, dump.FileName, dump.Kind, cancellationToken));

        var manifest = new BackupManifest(
            BackupManifest.CurrentFormat,
            createdAt,
            typeof(BackupWriter).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown",
            await ServerVersionAsync(cancellationToken),
            await dump.ToolVersionAsync(cancellationToken),
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

    private async Task<int> SchemaVersionAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COALESCE(MAX(version), 0) FROM schema_migrations";
        return Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
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
