using Persistence.Api.Ingest;
using Persistence.Contracts;

namespace Persistence.Api.Queries;

public enum Consistency
{
    /// <summary>Read MySQL as it is; records accepted but not yet flushed are missing (the lag headers say how many).</summary>
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
    public const string Status = "status";
    public const string From = "from";
    public const string To = "to";
    public const string SourceLang = "source_lang";
    public const string TargetLang = "target_lang";
    public const string BatchId = "batch_id";
    public const string Sort = "sort";
    public const string Order = "order";
    public const string Page = "page";
    public const string PageSize = "page_size";
    public const string Cursor = "cursor";
    public const string ConsistencyParameter = "consistency";

    public static readonly IReadOnlyList<string> SortKeys = ["created_at", "updated_at"];

    public static readonly string[] SessionListParameters =
        [Status, From, To, SourceLang, TargetLang, Sort, Order, Page, PageSize, Cursor, ConsistencyParameter];

    public static readonly string[] TaskListParameters = [Status, TargetLang, BatchId, PageSize, Cursor, ConsistencyParameter];

    public static readonly string[] RecoveryListParameters = [PageSize, Cursor, ConsistencyParameter];

    public static readonly string[] SingleReadParameters = [ConsistencyParameter];

    public static SessionListRequest? ParseSessionList(IQueryCollection query, QueryOptions options, List<FieldError> errors)
    {
        RejectUnknown(query, SessionListParameters, errors);
        var statuses = ParseStatuses(query, RecordValidator.SessionStatuses, errors);
        var from = ParseTimestamp(query, From, errors);
        var to = ParseTimestamp(query, To, errors);
        if (from is { } f && to is { } t && f >= t)
        {
            errors.Add(new(null, To, "must be later than from"));
        }

        var sort = ParseChoice(query, Sort, SortKeys, "created_at", errors);
        var descending = ParseChoice(query, Order, ["asc", "desc"], "desc", errors) == "desc";
        var order = new PageOrder(sort, descending);
        var pageSize = ParsePageSize(query, options, errors);
        var page = ParseInteger(query, Page, 1, int.MaxValue, errors);
        var cursor = ParseCursor(query, order, errors);
        if (page is not null && cursor is not null)
        {
            errors.Add(new(null, Page, "cannot be combined with cursor; use one way of paging"));
        }
        else if (page is { } p && (long)p * pageSize > options.MaxOffset)
        {
            errors.Add(new(null, Page, $"reaches past the first {options.MaxOffset} rows; page deeper with cursor (next_cursor)"));
        }

        var sourceLang = ParseLanguage(query, SourceLang, errors);
        var targetLang = ParseLanguage(query, TargetLang, errors);
        if (targetLang is not null && statuses.Count == 0 && sourceLang is null)
        {
            // target_langs is a JSON array no index can hold: alone, a rare language would be looked for in every row.
            errors.Add(new(null, TargetLang, "must be combined with status or source_lang, which narrow the rows it is tested on"));
        }

        var consistency = ParseConsistency(query, errors);
        return errors.Count > 0
            ? null
            : new SessionListRequest(statuses, from, to, sourceLang, targetLang, order, pageSize, page, cursor, consistency, CountsTotal: cursor is null);
    }

    /// <summary>Unfinished sessions, newest first, keyset-paged.</summary>
    public static SessionListRequest? ParseRecoveryList(IQueryCollection query, QueryOptions options, List<FieldError> errors)
    {
        RejectUnknown(query, RecoveryListParameters, errors);
        var order = new PageOrder("created_at", Descending: true);
        var pageSize = ParsePageSize(query, options, errors);
        var cursor = ParseCursor(query, order, errors);
        var consistency = ParseConsistency(query, errors);
        return errors.Count > 0
            ? null
            : new SessionListRequest(
                ["pending", "processing", "paused"], null, null, null, null, order, pageSize, null, cursor, consistency, CountsTotal: false);
    }

    public static TaskListRequest? ParseTaskList(IQueryCollection query, QueryOptions options, List<FieldError> errors)
    {
        RejectUnknown(query, TaskListParameters, errors);
        var statuses = ParseStatuses(query, RecordValidator.TaskStatuses, errors);
        var targetLang = ParseLanguage(query, TargetLang, errors);
        var batchId = ParseId(query, BatchId, errors);
        var pageSize = ParsePageSize(query, options, errors);
        var cursor = ParseCursor(query, PageOrder.TaskIdAscending, errors);
        var consistency = ParseConsistency(query, errors);
        return errors.Count > 0 ? null : new TaskListRequest(statuses, targetLang, batchId, pageSize, cursor, consistency);
    }

    public static Consistency? ParseSingleRead(IQueryCollection query, List<FieldError> errors)
    {
        RejectUnknown(query, SingleReadParameters, errors);
        var consistency = ParseConsistency(query, errors);
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

    private static string? Single(IQueryCollection query, string name, List<FieldError> errors)
    {
        var values = query[name];
        if (values.Count > 1)
        {
            errors.Add(new(null, name, "must be given at most once"));
            return null;
        }

        var value = values.Count == 1 ? values[0] : null;
        if (value is { Length: 0 })
        {
            errors.Add(new(null, name, "must not be empty"));
            return null;
        }

        return value;
    }

    private static List<string> ParseStatuses(IQueryCollection query, IReadOnlySet<string> allowed, List<FieldError> errors)
    {
        var statuses = new List<string>();
        foreach (var value in query[Status])
        {
            foreach (var status in (value ?? "").Split(',', StringSplitOptions.TrimEntries))
            {
                if (!allowed.Contains(status))
                {
                    errors.Add(new(null, Status, $"'{status}' is not one of: {string.Join(", ", allowed)}"));
                }
                else if (!statuses.Contains(status))
                {
                    statuses.Add(status);
                }
            }
        }

        return statuses;
    }

    private static DateTime? ParseTimestamp(IQueryCollection query, string name, List<FieldError> errors)
    {
        if (Single(query, name, errors) is not { } text)
        {
            return null;
        }

        // An unencoded '+' in a query string arrives as a space; the offset is still unambiguous.
        if (text.Length > 6 && text[^6] == ' ')
        {
            text = string.Concat(text.AsSpan(0, text.Length - 6), "+", text.AsSpan(text.Length - 5));
        }

        if (!Rfc3339TimestampConverter.TryParse(text, out var value) || value.Year < 1970)
        {
            errors.Add(new(null, name, "must be an RFC 3339 timestamp with offset, e.g. 2026-01-31T12:00:00Z"));
            return null;
        }

        return value.UtcDateTime;
    }

    private static string ParseChoice(IQueryCollection query, string name, IReadOnlyList<string> choices, string fallback, List<FieldError> errors)
    {
        var value = Single(query, name, errors);
        if (value is null)
        {
            return fallback;
        }

        if (!choices.Contains(value, StringComparer.Ordinal))
        {
            errors.Add(new(null, name, $"must be one of: {string.Join(", ", choices)}"));
            return fallback;
        }

        return value;
    }

    private static int? ParseInteger(IQueryCollection query, string name, int min, int max, List<FieldError> errors)
    {
        if (Single(query, name, errors) is not { } text)
        {
            return null;
        }

        if (!int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var value)
            || value < min || value > max)
        {
            errors.Add(new(null, name, $"must be an integer from {min} to {max}"));
            return null;
        }

        return value;
    }

    private static int ParsePageSize(IQueryCollection query, QueryOptions options, List<FieldError> errors) =>
        ParseInteger(query, PageSize, 1, options.MaxPageSize, errors) ?? options.DefaultPageSize;

    private static PageCursor? ParseCursor(IQueryCollection query, PageOrder order, List<FieldError> errors)
    {
        if (Single(query, Cursor, errors) is not { } text)
        {
            return null;
        }

        if (!PageCursor.TryDecode(text, out var cursor))
        {
            errors.Add(new(null, Cursor, "is not a cursor this API issued; pass next_cursor unchanged"));
            return null;
        }

        if (cursor.Order != order)
        {
            errors.Add(new(null, Cursor, "was issued for a different sort or order; keep sort and order while paging"));
            return null;
        }

        return cursor;
    }

    private static string? ParseLanguage(IQueryCollection query, string name, List<FieldError> errors)
    {
        var value = Single(query, name, errors);
        if (value is not null && (value.Length > RecordValidator.MaxLanguageTagLength || !value.All(c => char.IsAsciiLetterOrDigit(c) || c == '-')))
        {
            errors.Add(new(null, name, "must be a BCP 47 language tag such as en, zh-CN or pt-BR"));
            return null;
        }

        return value;
    }

    private static string? ParseId(IQueryCollection query, string name, List<FieldError> errors)
    {
        var value = Single(query, name, errors);
        if (value is not null && (value.Length > RecordValidator.MaxIdLength || value.Any(char.IsControl)))
        {
            errors.Add(new(null, name, $"must be at most {RecordValidator.MaxIdLength} characters without control characters"));
            return null;
        }

        return value;
    }

    private static Consistency ParseConsistency(IQueryCollection query, List<FieldError> errors) =>
        ParseChoice(query, ConsistencyParameter, ["eventual", "strong"], "eventual", errors) == "strong"
            ? Consistency.Strong
            : Consistency.Eventual;
}
