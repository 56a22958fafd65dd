using System.Text.Json;
using System.Text.Json.Serialization;

namespace Persistence.Contracts.Queries;

/// <summary>A task in full, with its texts and metadata.</summary>
/// <param name="TaskId">The task's id.</param>
/// <param name="SessionId">Its session.</param>
/// <param name="BatchId">Its batch, if any.</param>
/// <param name="Status">pending, processing, completed, failed or cancelled.</param>
/// <param name="SourceLang">The source language.</param>
/// <param name="TargetLang">The target language.</param>
/// <param name="SourceText">The text to translate.</param>
/// <param name="TranslatedText">The translation.</param>
/// <param name="Error">The last error.</param>
/// <param name="Attempts">Attempts made.</param>
/// <param name="Metadata">The task's metadata object.</param>
/// <param name="CreatedAt">When the task was created.</param>
/// <param name="UpdatedAt">The version stored: the newest <c>updated_at</c> accepted.</param>
public sealed record TaskDetail(
    string TaskId,
    string SessionId,
    string? BatchId,
    string Status,
    string? SourceLang,
    string? TargetLang,
    string? SourceText,
    string? TranslatedText,
    string? Error,
    int? Attempts,
    JsonElement? Metadata,
    [property: JsonConverter(typeof(Rfc3339TimestampConverter))] DateTimeOffset CreatedAt,
    [property: JsonConverter(typeof(Rfc3339TimestampConverter))] DateTimeOffset UpdatedAt);
