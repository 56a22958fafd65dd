using Persistence.Api.Http;
using Persistence.Api.Ingest;
using Persistence.Contracts;

namespace Persistence.Api.Queries;

public enum Consistency
{
    /// <summary>Read the database as it is; records accepted but not yet flushed are missing (the lag headers say how many).</summary>
    Eventual,

    /// <summary>Wait on the flush barrier first, so every record accepted before the request is visible.</summary>
    Strong,
}

/// <summary><c>GET /sessions</c> and the recovery list, parsed and validated.</summary>
public sealed record SessionListRequest(
    IReadOnlyList<string> Statuses,
    DateTime? From,
    DateTime? To,
    string? SourceLang,
    string? TargetLang,
    PageOrder Order,
    int PageSize,
    int? Page,
    PageCursor? Cursor,
    Consistency Consistency,
    bool CountsTotal)
{
    public int Offset => ((Page ?? 1) - 1) * PageSize;
}

/// <summary><c>GET /sessions/{id}/tasks</c>, parsed and validated.</summary>
public sealed record TaskListRequest(
    IReadOnlyList<string> Statuses,
    string? TargetLang,
    string? BatchId,
    int PageSize,
    PageCursor? Cursor,
    Consistency Consistency);

/// <summary>
/// Turns query strings into requests, or into the list of problems with each naming its parameter. Unknown
/// parameters are refused too: a misspelt filter would otherwise silently return everything.
/// </summary>
public static class ReadRequests
{
    public const string Status = QueryParameters.Status;
    public const string From = QueryParameters.From;
    public const string To = QueryParameters.To;
    public const string SourceLang = QueryParameters.SourceLang;
    public const string TargetLang = QueryParameters.TargetLang;
    public const string BatchId = QueryParameters.BatchId;
    public const string Sort = QueryParameters.Sort;
    public const string Order = QueryParameters.Order;
    public const string Page = QueryParameters.Page;
    public const string PageSize = QueryParameters.PageSize;
    public const string Cursor = QueryParameters.Cursor;
    public const string ConsistencyParameter = QueryParameters.Consistency;

    public static readonly IReadOnlyList<string> SortKeys = ["created_at", "updated_at"];

    public static readonly string[] SessionListParameters =
        [Status, From, To, SourceLang, TargetLang, Sort, Order, Page, PageSize, Cursor, ConsistencyParameter];

    public static readonly string[] TaskListParameters = [Status, TargetLang, BatchId, PageSize, Cursor, ConsistencyParameter];

    public static readonly string[] RecoveryListParameters = [PageSize, Cursor, ConsistencyParameter];

    public static readonly string[] SingleReadParameters = [ConsistencyParameter];

    public static SessionListRequest? ParseSessionList(IQueryCollection query, QueryOptions options, List<FieldError> errors)
    {
        RejectUnknown(query, SessionListParameters, errors);
        var reader = new QueryReader(query, errors);
        var statuses = reader.Choices(Status, RecordValidator.SessionStatuses);
        var from = reader.Timestamp(From);
        var to = reader.Timestamp(To);
        if (from is { } f && to is { } t && f >= t)
        {
            errors.Add(new(null, To, "must be later than from"));
        }

        var sort = reader.Choice(Sort, SortKeys) ?? "created_at";
        var descending = (reader.Choice(Order, ["asc", "desc"]) ?? "desc") == "desc";
        var order = new PageOrder(sort, descending);
        var pageSize = reader.PageSize(options.DefaultPageSize, options.MaxPageSize);
        var page = reader.Number(Page, 1, int.MaxValue);
        var cursor = ParseCursor(reader, order);
        if (page is not null && cursor is not null)
        {
            errors.Add(new(null, Page, "cannot be combined with cursor; use one way of paging"));
        }
        else if (page is { } p && (long)p * pageSize > options.MaxOffset)
        {
            errors.Add(new(null, Page, $"reaches past the first {options.MaxOffset} rows; page deeper with cursor (next_cursor)"));
        }

        var sourceLang = reader.Language(SourceLang);
        var targetLang = reader.Language(TargetLang);
        if (targetLang is not null && statuses.Count == 0 && sourceLang is null)
        {
            // target_langs is a JSON array no index can hold: alone, a rare language would be looked for in every row.
            errors.Add(new(null, TargetLang, "must be combined with status or source_lang, which narrow the rows it is tested on"));
        }

        var consistency = ParseConsistency(reader);
        return errors.Count > 0
            ? null
            : new SessionListRequest(statuses, from, to, sourceLang, targetLang, order, pageSize, page, cursor, consistency, CountsTotal: cursor is null);
    }

    /// <summary>Unfinished sessions, newest first, keyset-paged.</summary>
    public static SessionListRequest? ParseRecoveryList(IQueryCollection query, QueryOptions options, List<FieldError> errors)
    {
        RejectUnknown(query, RecoveryListParameters, errors);
        var reader = new QueryReader(query, errors);
        var order = new PageOrder("created_at", Descending: true);
        var pageSize = reader.PageSize(options.DefaultPageSize, options.MaxPageSize);
        var cursor = ParseCursor(reader, order);
        var consistency = ParseConsistency(reader);
        return errors.Count > 0
            ? null
            : new SessionListRequest(
                RecordStatus.UnfinishedSessions, null, null, null, null, order, pageSize, null, cursor, consistency, CountsTotal: false);
    }

    public static TaskListRequest? ParseTaskList(IQueryCollection query, QueryOptions options, List<FieldError> errors)
    {
        RejectUnknown(query, TaskListParameters, errors);
        var reader = new QueryReader(query, errors);
        var statuses = reader.Choices(Status, RecordValidator.TaskStatuses);
        var targetLang = reader.Language(TargetLang);
        var batchId = reader.Id(BatchId);
        var pageSize = reader.PageSize(options.DefaultPageSize, options.MaxPageSize);
        var cursor = ParseCursor(reader, PageOrder.TaskIdAscending);
        var consistency = ParseConsistency(reader);
        return errors.Count > 0 ? null : new TaskListRequest(statuses, targetLang, batchId, pageSize, cursor, consistency);
    }

    public static Consistency? ParseSingleRead(IQueryCollection query, List<FieldError> errors)
    {
        RejectUnknown(query, SingleReadParameters, errors);
        var consistency = ParseConsistency(new QueryReader(query, errors));
        return errors.Count > 0 ? null : consistency;
    }

    private static void RejectUnknown(IQueryCollection query, string[] known, List<FieldError> errors)
    {
        foreach (var key in query.Keys)
        {
            if (!known.Contains(key, StringComparer.Ordinal))
            {
                errors.Add(new(null, key, $"is not a parameter of this endpoint; known: {string.Join(", ", known)}"));
            }
        }
    }

    private static PageCursor? ParseCursor(QueryReader reader, PageOrder order)
    {
        if (reader.Text(Cursor) is not { } text)
        {
            return null;
        }

        if (!PageCursor.TryDecode(text, out var cursor))
        {
            reader.Errors.Add(new(null, Cursor, "is not a cursor this API issued; pass next_cursor unchanged"));
            return null;
        }

        if (cursor.Order != order)
        {
            reader.Errors.Add(new(null, Cursor, "was issued for a different sort or order; keep sort and order while paging"));
            return null;
        }

        return cursor;
    }

    private static Consistency ParseConsistency(QueryReader reader) =>
        reader.Choice(ConsistencyParameter, ["eventual", "strong"]) == "strong" ? Consistency.Strong : Consistency.Eventual;
}
