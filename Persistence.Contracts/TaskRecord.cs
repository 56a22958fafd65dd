using System.Text.Json;
using System.Text.Json.Serialization;

namespace Persistence.Contracts;

/// <summary>The full state of one translation task at <see cref="UpdatedAt"/>.</summary>
public sealed record TaskRecord
{
    [JsonPropertyName("task_id")] public string? TaskId { get; init; }
    [JsonPropertyName("session_id")] public string? SessionId { get; init; }
    [JsonPropertyName("batch_id")] public string? BatchId { get; init; }
    [JsonPropertyName("status")] public string? Status { get; init; }
    [JsonPropertyName("source_lang")] public string? SourceLang { get; init; }
    [JsonPropertyName("target_lang")] public string? TargetLang { get; init; }
    [JsonPropertyName("source_text")] public string? SourceText { get; init; }
    [JsonPropertyName("translated_text")] public string? TranslatedText { get; init; }
    [JsonPropertyName("error")] public string? Error { get; init; }
    [JsonPropertyName("attempts")] public int? Attempts { get; init; }
    [JsonPropertyName("metadata")] public JsonElement? Metadata { get; init; }
    [JsonPropertyName("created_at"), JsonConverter(typeof(Rfc3339TimestampConverter))] public DateTimeOffset? CreatedAt { get; init; }
    [JsonPropertyName("updated_at"), JsonConverter(typeof(Rfc3339TimestampConverter))] public DateTimeOffset? UpdatedAt { get; init; }
}
