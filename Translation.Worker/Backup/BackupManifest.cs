using System.Text.Json;
using System.Text.Json.Serialization;
using Translation.Worker.Backup.MySql;

namespace Translation.Worker.Backup;

/// <summary>
/// <c>manifest.json</c>, written last: a folder without one is an unfinished backup. Sizes and SHA-256 sums let
/// <c>--verify</c> prove the files are the ones written; the versions say what can restore them.
/// </summary>
public sealed record BackupManifest(
    [property: JsonPropertyName("format")] int Format,
    [property: JsonPropertyName("created_at")] DateTimeOffset CreatedAt,
    [property: JsonPropertyName("worker_version")] string WorkerVersion,
    [property: JsonPropertyName("database_server_version")] string? DatabaseServerVersion,
    [property: JsonPropertyName("dump_tool_version")] string DumpToolVersion,
    [property: JsonPropertyName("redis_server_version")] string RedisServerVersion,
    [property: JsonPropertyName("schema_version")] int SchemaVersion,
    [property: JsonPropertyName("duration_ms")] long DurationMilliseconds,
    [property: JsonPropertyName("files")] IReadOnlyList<BackupFile> Files,
    [property: JsonPropertyName("stream_shards")] int StreamShards = 1,
    [property: JsonPropertyName("stream_shards_next")] int? NextStreamShards = null,
    [property: JsonPropertyName("binlog")] BinlogPosition? Binlog = null)
{
    public const string FileName = "manifest.json";

    /// <summary>
    /// 2 since PostgreSQL: the server version is <c>database_server_version</c> and the dump's kind names its backend.
    /// Format 1 (MySQL only, <c>mysql_server_version</c>) reads the same apart from that version, so both restore.
    /// </summary>
    public const int CurrentFormat = 2;

    public static readonly IReadOnlyList<int> ReadableFormats = [1, CurrentFormat];

    /// <summary>The one database dump of a verified backup.</summary>
    [JsonIgnore]
    public BackupFile Dump => Files.Single(f => BackupFile.DumpKinds.Contains(f.Kind));

    public static async Task WriteAsync(string directory, BackupManifest manifest, CancellationToken cancellationToken)
    {
        // Written under another name and renamed, so a manifest is never half there.
        var path = Path.Combine(directory, FileName);
        await using (var file = OwnerOnly.Create(path + ".tmp"))
        {
            await JsonSerializer.SerializeAsync(file, manifest, BackupJsonContext.Default.BackupManifest, cancellationToken);
        }

        File.Move(path + ".tmp", path);
    }

    public static async Task<BackupManifest> ReadAsync(string directory, CancellationToken cancellationToken)
    {
        var path = Path.Combine(directory, FileName);
        if (!File.Exists(path))
        {
            throw new BackupInvalidException($"{path} is missing: not a backup, or one that did not finish.");
        }

        await using var file = File.OpenRead(path);
        try
        {
            return await JsonSerializer.DeserializeAsync(file, BackupJsonContext.Default.BackupManifest, cancellationToken)
                ?? throw new BackupInvalidException($"{path} is empty.");
        }
        catch (JsonException ex)
        {
            throw new BackupInvalidException($"{path} is not a manifest: {ex.Message}");
        }
    }
}

/// <summary>One file of a backup; <see cref="Stream"/> and <see cref="Entries"/> only for a stream's entries.</summary>
public sealed record BackupFile(
    [property: JsonPropertyName("path")] string Path,
    [property: JsonPropertyName("kind")] string Kind,
    [property: JsonPropertyName("bytes")] long Bytes,
    [property: JsonPropertyName("sha256")] string Sha256,
    [property: JsonPropertyName("stream")] string? Stream = null,
    [property: JsonPropertyName("entries")] long? Entries = null)
{
    public const string MySqlDump = "mysql-dump";
    public const string PostgreSqlDump = "postgres-dump";
    public const string StreamEntries = "redis-stream";

    public static readonly IReadOnlyList<string> DumpKinds = [MySqlDump, PostgreSqlDump];
}

/// <summary>The backup is incomplete, altered or of an unknown format; the message says which file and how.</summary>
public sealed class BackupInvalidException(string message) : Exception(message);

[JsonSourceGenerationOptions(WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(BackupManifest))]
internal sealed partial class BackupJsonContext : JsonSerializerContext;
