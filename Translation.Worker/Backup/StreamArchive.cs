using System.Text;
using System.Text.Json;
using Persistence.Contracts;
using StackExchange.Redis;

namespace Translation.Worker.Backup;

/// <summary>
/// A stream's entries as JSON lines, <c>{"id":"…","fields":[["record","…"],…]}</c>, in stream order. Not the RDB or
/// AOF file: those hold every key (rate-limit buckets, leases, heartbeats) and need a Redis of the same or a newer
/// version to load, where these lines can be read, diffed and replayed into any Redis with XADD.
/// </summary>
public static class StreamArchive
{
    private const int PageSize = 1000;

    /// <summary>The streams a backup keeps: what is not yet in MySQL, and what was refused on the way there.</summary>
    public static IReadOnlyList<string> Streams(StreamLayout layout) => [.. layout.DataStreams, PersistenceStreams.DeadLetters];

    /// <summary>
    /// <c>{persistence}:sessions</c> becomes <c>streams/sessions.jsonl</c>; a stream split into shards, each under a hash
    /// tag of its own such as <c>{persistence:s0of4}:sessions</c>, gets a file per shard, <c>streams/sessions.s0of4.jsonl</c>.
    /// </summary>
    public static string FileName(string stream)
    {
        var name = stream[(stream.LastIndexOf(':') + 1)..];
        var open = stream.IndexOf('{', StringComparison.Ordinal);
        var close = open < 0 ? -1 : stream.IndexOf('}', open + 1);
        var tag = close > open ? stream[(open + 1)..close] : "";
        var shard = tag.IndexOf(':', StringComparison.Ordinal) is var colon and >= 0 ? "." + tag[(colon + 1)..] : "";
        var file = string.Concat((name + shard).Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_'));
        return Path.Combine("streams", file + ".jsonl");
    }

    /// <summary>
    /// Copies every entry still in the stream, delivered or not: an entry is trimmed only after its record is
    /// committed, so whatever is left may not be in MySQL yet, and one that is comes back as a no-op upsert.
    /// </summary>
    public static async Task<long> WriteAsync(IDatabase redis, string stream, Stream output, CancellationToken cancellationToken)
    {
        await using var writer = new Utf8JsonWriter(output, new JsonWriterOptions { SkipValidation = true });
        long entries = 0;
        RedisValue from = "-";
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            // Ascending, and from just past the last id read: trimming removes the oldest entries, so it can only take
            // ones already copied, and one appended meanwhile is copied or belongs to the next backup.
            var page = await redis.StreamRangeAsync(stream, from, "+", PageSize);
            foreach (var entry in page)
            {
                writer.WriteStartObject();
                writer.WriteString("id", entry.Id.ToString());
                writer.WriteStartArray("fields");
                foreach (var field in entry.Values)
                {
                    writer.WriteStartArray();
                    writer.WriteStringValue(field.Name.ToString());
                    writer.WriteStringValue(field.Value.ToString());
                    writer.WriteEndArray();
                }

                writer.WriteEndArray();
                writer.WriteEndObject();
                await writer.FlushAsync(cancellationToken);
                output.WriteByte((byte)'\n');
                writer.Reset();
                entries++;
            }

            if (page.Length < PageSize)
            {
                return entries;
            }

            from = "(" + page[^1].Id;
        }
    }

    /// <summary>Reads the lines back, refusing the first that is not an entry (naming its line number).</summary>
    public static async IAsyncEnumerable<(StreamId Id, NameValueEntry[] Fields)> ReadAsync(
        string path, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(path, Encoding.UTF8);
        var line = 0;
        while (await reader.ReadLineAsync(cancellationToken) is { } text)
        {
            line++;
            yield return Parse(text, path, line);
        }
    }

    private static (StreamId Id, NameValueEntry[] Fields) Parse(string text, string path, int line)
    {
        try
        {
            using var document = JsonDocument.Parse(text);
            var root = document.RootElement;
            var id = StreamId.Parse(root.GetProperty("id").GetString());
            var fields = root.GetProperty("fields").EnumerateArray()
                .Select(pair => new NameValueEntry(pair[0].GetString(), pair[1].GetString()))
                .ToArray();
            return fields.Length > 0 ? (id, fields) : throw new FormatException("an entry has at least one field");
        }
        catch (Exception ex) when (ex is JsonException or FormatException or KeyNotFoundException or InvalidOperationException or IndexOutOfRangeException)
        {
            throw new BackupInvalidException($"{path} line {line} is not a stream entry: {ex.Message}");
        }
    }
}
