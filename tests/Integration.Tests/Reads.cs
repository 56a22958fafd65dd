using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Persistence.Contracts;

namespace Integration.Tests;

/// <summary>Helpers for the read side: records in a time window of their own, and GETs that return JSON.</summary>
public static class Reads
{
    public const string Sessions = ApiRoutes.Translation.Sessions;

    /// <summary>
    /// A start time no other test uses, so list filters on [window, window + 1 day) see only this test's sessions
    /// although every test shares one database.
    /// </summary>
    public static DateTimeOffset Window() =>
        new DateTimeOffset(2040, 1, 1, 0, 0, 0, TimeSpan.Zero).AddDays(Random.Shared.Next(0, 15_000));

    public static string Q(DateTimeOffset value) => Uri.EscapeDataString(Records.Timestamp(value));

    public static Dictionary<string, object?> Session(
        string id, string status, DateTimeOffset created, DateTimeOffset updated, string sourceLang = "en", string[]? targets = null, int? totalTasks = null) => new()
        {
            ["session_id"] = id,
            ["status"] = status,
            ["source_lang"] = sourceLang,
            ["target_langs"] = targets ?? ["zh-CN"],
            ["total_tasks"] = totalTasks,
            ["metadata"] = new Dictionary<string, object> { ["project"] = "it" },
            ["created_at"] = Records.Timestamp(created),
            ["updated_at"] = Records.Timestamp(updated),
        };

    public static Dictionary<string, object?> Task(
        string id, string sessionId, string status, string targetLang = "zh-CN", string? batchId = null, string? text = null) => new()
        {
            ["task_id"] = id,
            ["session_id"] = sessionId,
            ["batch_id"] = batchId,
            ["status"] = status,
            ["source_lang"] = "en",
            ["target_lang"] = targetLang,
            ["source_text"] = text ?? "Hello " + id,
            ["translated_text"] = status == "completed" ? "你好 " + id : null,
            ["attempts"] = 1,
            ["metadata"] = new Dictionary<string, object> { ["id"] = id },
            ["created_at"] = Records.Timestamp(Records.Created),
            ["updated_at"] = Records.Timestamp(Records.Created.AddSeconds(1)),
        };

    public static async Task AcceptedAsync(Task<HttpResponseMessage> post)
    {
        using var response = await post;
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }

    public static async Task<JsonElement> GetJsonAsync(this StackFixture stack, string path, HttpStatusCode expected = HttpStatusCode.OK)
    {
        using var response = await stack.Gateway.GetAsync(path);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"GET {path} answered {(int)response.StatusCode}: {body}\n{stack.LogTail()}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    /// <summary>Follows <c>next_cursor</c> to the end and returns every item's <paramref name="idField"/>.</summary>
    public static async Task<List<string>> WalkAsync(this StackFixture stack, string path, string idField)
    {
        var ids = new List<string>();
        string? cursor = null;
        var separator = path.Contains('?', StringComparison.Ordinal) ? '&' : '?';
        for (var pages = 0; pages < 1000; pages++)
        {
            var page = await stack.GetJsonAsync(cursor is null ? path : $"{path}{separator}cursor={cursor}");
            if (cursor is not null)
            {
                Assert.Equal(JsonValueKind.Null, page.GetProperty("total").ValueKind);
            }

            ids.AddRange(page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty(idField).GetString()!));
            cursor = page.GetProperty("next_cursor").GetString();
            if (cursor is null)
            {
                return ids;
            }
        }

        throw new InvalidOperationException("The cursor never ended.");
    }

    public static List<string> Ids(JsonElement page, string idField) =>
        page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty(idField).GetString()!).ToList();

    public static string N(int value) => value.ToString("D2", CultureInfo.InvariantCulture);
}
