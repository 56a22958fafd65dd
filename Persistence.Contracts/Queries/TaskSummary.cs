using System.Text.Json.Serialization;

namespace Persistence.Contracts.Queries;

/// <summary>A task as lists show it: without its texts and metadata, which <c>GET /tasks/{id}</c> returns.</summary>
/// <param name="TaskId">The task's id.</param>
/// <param name="SessionId">Its session.</param>
/// <param name="BatchId">Its batch, if any.</param>
/// <param name="Status">pending, processing, completed, failed or cancelled.</param>
/// <param name="SourceLang">The source language.</param>
/// <param name="TargetLang">The target language.</param>
/// <param name="Attempts">Attempts made.</param>
/// <param name="Error">The last error.</param>
/// <param name="CreatedAt">When the task was created.</param>
/// <param name="UpdatedAt">The version stored: the newest <c>updated_at</c> accepted.</param>
public sealed record TaskSummary(
    string TaskId,
    string SessionId,
    string? BatchId,
    string Status,
    string? SourceLang,
    string? TargetLang,
    int? Attempts,
    string? Error,
    [property: JsonConverter(typeof(Rfc3339TimestampConverter))] DateTimeOffset CreatedAt,
    [property: JsonConverter(typeof(Rfc3339TimestampConverter))] DateTimeOffset UpdatedAt);
