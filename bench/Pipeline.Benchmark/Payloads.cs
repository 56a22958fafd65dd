using System.Globalization;
using System.Text;

namespace Pipeline.Benchmark;

/// <summary>
/// Task batches as a back end would send them. Every record gets a new id from one counter, so every accepted record
/// must end up as exactly one row, which is what the loss check at the end counts.
/// </summary>
public sealed class Payloads(string runId)
{
    private const string SourceText = "The quick brown fox jumps over the lazy dog while the benchmark counts every record it sends.";

    private long _next;

    /// <summary>The prefix of every id this run sends, for counting its rows.</summary>
    public string IdPrefix { get; } = $"bench-{runId}-";

    public string Id(long n) => IdPrefix + n.ToString(CultureInfo.InvariantCulture);

    /// <summary>A <c>{"tasks": [...]}</c> body of <paramref name="count"/> new records and the first record's id.</summary>
    public (byte[] Body, string FirstId) Batch(int count)
    {
        var first = Interlocked.Add(ref _next, count) - count;
        var now = DateTime.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);
        var json = new StringBuilder(64 + (count * 420));
        json.Append("{\"tasks\":[");
        for (var i = 0; i < count; i++)
        {
            if (i > 0)
            {
                json.Append(',');
            }

            AppendRecord(json, first + i, now);
        }

        json.Append("]}");
        return (Encoding.UTF8.GetBytes(json.ToString()), Id(first));
    }

    /// <summary>One record as its JSON, the unit the ceilings write.</summary>
    public byte[] Record()
    {
        var json = new StringBuilder(420);
        AppendRecord(json, Interlocked.Increment(ref _next) - 1, DateTime.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture));
        return Encoding.UTF8.GetBytes(json.ToString());
    }

    /// <summary>Rows with the same content as the JSON records, for the MySQL ceiling.</summary>
    public List<TaskRow> Rows(int count)
    {
        var first = Interlocked.Add(ref _next, count) - count;
        var now = DateTime.UtcNow;
        return [.. Enumerable.Range(0, count).Select(i => Row(Id(first + i), now))];
    }

    public static TaskRow Row(string id, DateTime updatedAt) =>
        new(id, SessionOf(id), "bench", "processing", "en", "fr", SourceText, null, null, 1, "{\"bench\":true}", updatedAt, updatedAt);

    // 1,000 tasks per session, as a large translation job would have.
    private static string SessionOf(string id) => id.Length > 3 ? id[..^3] + "s" : id + "-s";

    private void AppendRecord(StringBuilder json, long n, string now)
    {
        var id = Id(n);
        json.Append("{\"task_id\":\"").Append(id)
            .Append("\",\"session_id\":\"").Append(SessionOf(id))
            .Append("\",\"batch_id\":\"bench\",\"status\":\"processing\",\"source_lang\":\"en\",\"target_lang\":\"fr\",\"source_text\":\"")
            .Append(SourceText)
            .Append("\",\"translated_text\":null,\"attempts\":1,\"metadata\":{\"bench\":true},\"created_at\":\"").Append(now)
            .Append("\",\"updated_at\":\"").Append(now).Append("\"}");
    }
}

/// <summary>A task row in the column order of <c>translation_tasks</c>.</summary>
public sealed record TaskRow(
    string TaskId, string SessionId, string? BatchId, string Status, string? SourceLang, string? TargetLang, string? SourceText,
    string? TranslatedText, string? Error, int? Attempts, string? Metadata, DateTime CreatedAt, DateTime UpdatedAt);
