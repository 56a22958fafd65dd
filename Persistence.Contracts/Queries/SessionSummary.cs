using System.Text.Json;
using System.Text.Json.Serialization;

namespace Persistence.Contracts.Queries;

/// <summary>A session as lists show it: everything but its metadata.</summary>
/// <param name="SessionId">The session's id.</param>
/// <param name="Status">pending, processing, paused, completed, failed or cancelled.</param>
/// <param name="SourceLang">The source language.</param>
/// <param name="TargetLangs">The target languages: the JSON array stored, answered as it is.</param>
/// <param name="TotalTasks">Tasks the session has.</param>
/// <param name="CompletedTasks">Tasks completed.</param>
/// <param name="FailedTasks">Tasks failed.</param>
/// <param name="CreatedAt">When the session was created.</param>
/// <param name="UpdatedAt">The version stored: the newest <c>updated_at</c> accepted.</param>
public sealed record SessionSummary(
    string SessionId,
    string Status,
    string? SourceLang,
    JsonElement? TargetLangs,
    int? TotalTasks,
    int? CompletedTasks,
    int? FailedTasks,
    [property: JsonConverter(typeof(Rfc3339TimestampConverter))] DateTimeOffset CreatedAt,
    [property: JsonConverter(typeof(Rfc3339TimestampConverter))] DateTimeOffset UpdatedAt);
