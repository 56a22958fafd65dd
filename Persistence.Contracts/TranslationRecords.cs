using System.Text.Json;
using System.Text.Json.Serialization;

namespace Persistence.Contracts;

/// <summary>Body of <c>POST /api/v1/translations</c>: one text to translate into several languages.</summary>
public sealed record TranslationRequest
{
    [JsonPropertyName("business_id")] public string? BusinessId { get; init; }
    [JsonPropertyName("text")] public string? Text { get; init; }
    [JsonPropertyName("source_lang")] public string? SourceLang { get; init; }
    [JsonPropertyName("target_langs")] public IReadOnlyList<string?>? TargetLangs { get; init; }
    [JsonPropertyName("context")] public JsonElement? Context { get; init; }
}

/// <summary>Body of <c>POST /api/v1/translations/batch</c>.</summary>
public sealed record TranslationRequestBatch([property: JsonPropertyName("items")] IReadOnlyList<TranslationRequest?>? Items);

/// <summary>
/// A text with its source language and context, keyed by the hash of all three so that the same content asked for
/// by many business ids is stored (and translated) once.
/// </summary>
public sealed record TranslationContentRecord
{
    [JsonPropertyName("content_hash")] public string? ContentHash { get; init; }
    [JsonPropertyName("source_lang")] public string? SourceLang { get; init; }
    [JsonPropertyName("text")] public string? Text { get; init; }
    [JsonPropertyName("context")] public JsonElement? Context { get; init; }
    [JsonPropertyName("created_at"), JsonConverter(typeof(Rfc3339TimestampConverter))] public DateTimeOffset? CreatedAt { get; init; }
}

/// <summary>One content to translate into one language for one business id; registered as pending.</summary>
public sealed record TranslationJobRecord
{
    [JsonPropertyName("job_id")] public string? JobId { get; init; }
    [JsonPropertyName("business_id")] public string? BusinessId { get; init; }
    [JsonPropertyName("content_hash")] public string? ContentHash { get; init; }
    [JsonPropertyName("source_lang")] public string? SourceLang { get; init; }
    [JsonPropertyName("target_lang")] public string? TargetLang { get; init; }
    [JsonPropertyName("created_at"), JsonConverter(typeof(Rfc3339TimestampConverter))] public DateTimeOffset? CreatedAt { get; init; }

    /// <summary>The id of the key that registered the job, for its audit trail.</summary>
    [JsonPropertyName("requested_by")] public string? RequestedBy { get; init; }
}

/// <summary>The states of a translation job, as stored and as answered.</summary>
public static class TranslationStatus
{
    public const string Pending = "pending";
    public const string Translating = "translating";
    public const string Translated = "translated";
    public const string Failed = "failed";

    public static IReadOnlySet<string> All { get; } =
        new HashSet<string>([Pending, Translating, Translated, Failed], StringComparer.Ordinal);
}
