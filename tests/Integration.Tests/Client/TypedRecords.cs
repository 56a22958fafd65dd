using Persistence.Contracts;

namespace Integration.Tests.Client;

/// <summary>The SDK's record types, with ids unique to one test.</summary>
public static class TypedRecords
{
    public static SessionRecord Session(string id, string status, DateTimeOffset created, DateTimeOffset updated, int totalTasks = 0) => new()
    {
        SessionId = id,
        Status = status,
        SourceLang = "en",
        TargetLangs = ["zh-CN", "fr"],
        TotalTasks = totalTasks,
        CompletedTasks = 0,
        FailedTasks = 0,
        Metadata = System.Text.Json.JsonSerializer.SerializeToElement(new Dictionary<string, string> { ["project"] = "client" }),
        CreatedAt = created,
        UpdatedAt = updated,
    };

    public static TaskRecord Task(string id, string sessionId, string status, DateTimeOffset created, DateTimeOffset updated, string? translated = null) => new()
    {
        TaskId = id,
        SessionId = sessionId,
        BatchId = "b-" + sessionId,
        Status = status,
        SourceLang = "en",
        TargetLang = "fr",
        SourceText = "Hello " + id,
        TranslatedText = translated,
        Attempts = 1,
        CreatedAt = created,
        UpdatedAt = updated,
    };
}
