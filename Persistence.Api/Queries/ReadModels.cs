using System.Text.Json;
using System.Text.Json.Serialization;
using Persistence.Contracts;

namespace Persistence.Api.Queries;

/// <summary>
/// One page of a list. <c>total</c> is the number of matching rows for offset paging and null for cursor paging,
/// where counting would cost a scan of the whole range on every page. The count stops one row past
/// <see cref="QueryOptions.MaxCountedTotal"/>; when it does, <c>total</c> is that many and <c>total_is_lower_bound</c>
/// is true (it is false for an exact total and null without one). <c>next_cursor</c> is null on the last page.
/// </summary>
public sealed record ResultPage<T>(long? Total, int? Page, int PageSize, IReadOnlyList<T> Items, string? NextCursor)
{
    public bool? TotalIsLowerBound { get; init; }
}

/// <summary>A session as lists show it: everything but its metadata.</summary>
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

public sealed record SessionDetail(
    string SessionId,
    string Status,
    string? SourceLang,
    JsonElement? TargetLangs,
    int? TotalTasks,
    int? CompletedTasks,
    int? FailedTasks,
    JsonElement? Metadata,
    [property: JsonConverter(typeof(Rfc3339TimestampConverter))] DateTimeOffset CreatedAt,
    [property: JsonConverter(typeof(Rfc3339TimestampConverter))] DateTimeOffset UpdatedAt,
    TaskStatistics? Tasks);

/// <summary>
/// The session's task rows by status. <c>progress</c> is the finished share (completed, failed or cancelled) of
/// the larger of the rows stored and the session's own <c>total_tasks</c>, since tasks not yet reported have no row.
/// </summary>
public sealed record TaskStatistics(long Total, IReadOnlyDictionary<string, long> ByStatus, long Finished, double Progress);

/// <summary>A task as lists show it: without its texts and metadata, which <c>GET /tasks/{id}</c> returns.</summary>
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
