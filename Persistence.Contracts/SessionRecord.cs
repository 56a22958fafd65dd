using System.Text.Json;
using System.Text.Json.Serialization;

namespace Persistence.Contracts;

/// <summary>The full state of one translation session at <see cref="UpdatedAt"/>.</summary>
public sealed record SessionRecord
{
    [JsonPropertyName("session_id")] public string? SessionId { get; init; }
    [JsonPropertyName("status")] public string? Status { get; init; }
    [JsonPropertyName("source_lang")] public string? SourceLang { get; init; }
    [JsonPropertyName("target_langs")] public IReadOnlyList<string>? TargetLangs { get; init; }
    [JsonPropertyName("total_tasks")] public int? TotalTasks { get; init; }
    [JsonPropertyName("completed_tasks")] public int? CompletedTasks { get; init; }
    [JsonPropertyName("failed_tasks")] public int? FailedTasks { get; init; }
    [JsonPropertyName("metadata")] public JsonElement? Metadata { get; init; }
    [JsonPropertyName("created_at"), JsonConverter(typeof(Rfc3339TimestampConverter))] public DateTimeOffset? CreatedAt { get; init; }
    [JsonPropertyName("updated_at"), JsonConverter(typeof(Rfc3339TimestampConverter))] public DateTimeOffset? UpdatedAt { get; init; }
}
