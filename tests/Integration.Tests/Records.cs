using System.Globalization;

namespace Integration.Tests;

/// <summary>Builds wire records with ids unique to one test.</summary>
public static class Records
{
    public static readonly DateTimeOffset Created = new(2026, 3, 1, 8, 0, 0, TimeSpan.Zero);

    /// <summary>The lowest row version there is: a row written with it gives way to any state the flush brings.</summary>
    public static byte[] OldestRowVersion => new byte[24];

    public static string Prefix() => Guid.NewGuid().ToString("N")[..10];

    public static Dictionary<string, object?> Task(string id, string sessionId, string status = "pending", int secondsAfterCreation = 1, string? translated = null) => new()
    {
        ["task_id"] = id,
        ["session_id"] = sessionId,
        ["batch_id"] = "b-" + sessionId,
        ["status"] = status,
        ["source_lang"] = "en",
        ["target_lang"] = "zh-CN",
        ["source_text"] = "Hello " + id,
        ["translated_text"] = translated,
        ["attempts"] = 1,
        ["metadata"] = new Dictionary<string, object> { ["n"] = id.Length },
        ["created_at"] = Timestamp(Created),
        ["updated_at"] = Timestamp(Created.AddSeconds(secondsAfterCreation)),
    };

    public static List<Dictionary<string, object?>> Tasks(string prefix, int count, int offset = 0) =>
        Enumerable.Range(offset, count).Select(i => Task($"{prefix}-t{i}", $"{prefix}-s{i / 100}")).ToList();

    public static Dictionary<string, object?> Session(string id, string status, int secondsAfterCreation) => new()
    {
        ["session_id"] = id,
        ["status"] = status,
        ["source_lang"] = "en",
        ["target_langs"] = new[] { "zh-CN", "fr" },
        ["total_tasks"] = 10,
        ["completed_tasks"] = status == "completed" ? 10 : 3,
        ["failed_tasks"] = 0,
        ["created_at"] = Timestamp(Created),
        ["updated_at"] = Timestamp(Created.AddSeconds(secondsAfterCreation)),
    };

    public static string Timestamp(DateTimeOffset value) => value.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}
