using System.Data.Common;
using System.Text;
using Microsoft.Extensions.Options;
using Persistence.Contracts;
using Persistence.Contracts.Queries;
using Persistence.Storage;

namespace Persistence.Api.Queries;

/// <summary>
/// Reads of <c>translation_sessions</c>. Every statement is built from fixed fragments and parameters; the only
/// request-dependent SQL text is a sort column and direction picked from <see cref="SortColumns"/>. The same text runs
/// on MySQL and PostgreSQL but for the <see cref="StorageDialect"/>'s fragments.
/// </summary>
public sealed class SessionQueries(DbDataSource dataSource, StorageDialect dialect, IOptions<QueryOptions> options)
{
    public const string SummaryColumns =
        "session_id, status, source_lang, target_langs, total_tasks, completed_tasks, failed_tasks, created_at, updated_at";

    public const string DetailColumns =
        "session_id, status, source_lang, target_langs, total_tasks, completed_tasks, failed_tasks, metadata, created_at, updated_at";

    private static readonly Dictionary<string, string> SortColumns = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["created_at"] = "created_at",
        ["updated_at"] = "updated_at",
    };

    public async Task<ResultPage<SessionSummary>> ListAsync(SessionListRequest request, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        long? total = null;
        bool? lowerBound = null;
        if (request.CountsTotal)
        {
            var cap = options.Value.MaxCountedTotal;
            await using var count = BuildCountCommand(connection, dialect, request, cap);
            total = Convert.ToInt64(await count.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
            lowerBound = total > cap;
        }

        await using var list = BuildListCommand(connection, dialect, request);
        var items = new List<SessionSummary>(request.PageSize + 1);
        await using (var reader = await list.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                items.Add(ReadSummary(reader));
            }
        }

        string? next = null;
        if (items.Count > request.PageSize)
        {
            items.RemoveAt(items.Count - 1);
            var last = items[^1];
            var value = request.Order.Key == "updated_at" ? last.UpdatedAt : last.CreatedAt;
            next = new PageCursor(request.Order, PageCursor.ToValue(value.UtcDateTime), last.SessionId).Encode();
        }

        return new ResultPage<SessionSummary>(total, request.CountsTotal ? request.Page ?? 1 : null, request.PageSize, items, next)
        {
            TotalIsLowerBound = lowerBound,
        };
    }

    /// <summary>
    /// One page plus one row (which only tells whether there is a next page). With several statuses, each status is
    /// its own index range merged by a UNION ALL of per-status top-N reads: a single <c>status IN (…)</c> range
    /// cannot be read in sort order, so the database would sort every matching row to serve twenty.
    /// </summary>
    public static DbCommand BuildListCommand(DbConnection connection, StorageDialect dialect, SessionListRequest request)
    {
        var command = connection.CreateCommand();
        var column = SortColumns[request.Order.Key];
        var direction = request.Order.Descending ? "DESC" : "ASC";
        var orderBy = $"ORDER BY {column} {direction}, session_id {direction}";
        var filters = Filters(command, dialect, request, column, withCursor: true);
        command.AddParameter("@limit", request.PageSize + 1);
        command.AddParameter("@offset", request.Offset);

        if (request.Statuses.Count <= 1)
        {
            var status = request.Statuses.Count == 1 ? "status = @status0" : "TRUE";
            if (request.Statuses.Count == 1)
            {
                command.AddParameter("@status0", request.Statuses[0]);
            }

            command.CommandText = $"SELECT {SummaryColumns} FROM translation_sessions WHERE {status}{filters} {orderBy} LIMIT @limit OFFSET @offset";
            return command;
        }

        command.AddParameter("@branch_limit", request.Offset + request.PageSize + 1);
        var branches = new StringBuilder();
        for (var i = 0; i < request.Statuses.Count; i++)
        {
            var name = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"@status{i}");
            command.AddParameter(name, request.Statuses[i]);
            branches.Append(i == 0 ? "" : " UNION ALL ")
                .Append($"(SELECT {SummaryColumns} FROM translation_sessions WHERE status = {name}{filters} {orderBy} LIMIT @branch_limit)");
        }

        command.CommandText = $"SELECT {SummaryColumns} FROM ({branches}) AS merged {orderBy} LIMIT @limit OFFSET @offset";
        return command;
    }

    /// <summary>
    /// Counts at most <paramref name="cap"/> + 1 rows: the derived table stops reading the index there, so a filter
    /// matching the whole table costs no more than the cap. More than <paramref name="cap"/> means "at least that many".
    /// </summary>
    public static DbCommand BuildCountCommand(DbConnection connection, StorageDialect dialect, SessionListRequest request, int cap)
    {
        var command = connection.CreateCommand();
        var filters = Filters(command, dialect, request, SortColumns[request.Order.Key], withCursor: false);
        var status = request.Statuses.Count == 0 ? "TRUE" : $"status IN ({command.AddList("status", request.Statuses)})";
        command.AddParameter("@count_limit", cap + 1);
        command.CommandText = $"SELECT COUNT(*) FROM (SELECT 1 FROM translation_sessions WHERE {status}{filters} LIMIT @count_limit) AS counted";
        return command;
    }

    private static string Filters(DbCommand command, StorageDialect dialect, SessionListRequest request, string column, bool withCursor)
    {
        var sql = new StringBuilder();
        if (request.From is { } from)
        {
            sql.Append($" AND {column} >= @from");
            command.AddParameter("@from", from);
        }

        if (request.To is { } to)
        {
            sql.Append($" AND {column} < @to");
            command.AddParameter("@to", to);
        }

        if (request.SourceLang is { } source)
        {
            sql.Append(" AND source_lang = @source_lang");
            command.AddParameter("@source_lang", source);
        }

        if (request.TargetLang is { } target)
        {
            // target_langs is a JSON array no index covers; the request parser only lets it narrow a status or source_lang range.
            sql.Append(" AND ").Append(dialect.JsonArrayContains("target_langs", "@target_lang"));
            command.AddParameter("@target_lang", target);
        }

        if (withCursor && request.Cursor is { } cursor)
        {
            // Written as a range on the sort column plus a tie-break, which the range optimizer turns into one index
            // range; a row comparison (a, b) < (x, y) is not used for ranges by every MySQL and MariaDB version.
            var comparison = request.Order.Descending ? "<" : ">";
            sql.Append($" AND {column} {comparison}= @after_value AND ({column} {comparison} @after_value OR session_id {comparison} @after_id)");
            command.AddParameter("@after_value", PageCursor.ToDateTime(cursor.Value));
            command.AddParameter("@after_id", cursor.Id);
        }

        return sql.ToString();
    }

    public async Task<SessionDetail?> GetAsync(string sessionId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var session = await ReadDetailAsync(connection, null, sessionId, cancellationToken);
        if (session is null)
        {
            return null;
        }

        await using var stats = BuildStatisticsCommand(connection, sessionId);
        var byStatus = RecordStatus.OfTasks.ToDictionary(s => s, _ => 0L, StringComparer.Ordinal);
        await using (var reader = await stats.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                byStatus[reader.GetString(0)] = reader.GetInt64(1);
            }
        }

        var total = byStatus.Values.Sum();
        var finished = RecordStatus.Ended.Sum(s => byStatus[s]);
        var denominator = Math.Max(total, session.TotalTasks ?? 0);
        var progress = denominator == 0 ? 0 : Math.Round((double)finished / denominator, 4);
        return session with { Tasks = new TaskStatistics(total, byStatus, finished, progress) };
    }

    /// <summary>Counted from the (session_id, status) index alone, without touching the rows.</summary>
    public static DbCommand BuildStatisticsCommand(DbConnection connection, string sessionId)
    {
        var command = connection.CreateCommand();
        command.CommandText = "SELECT status, COUNT(*) FROM translation_tasks WHERE session_id = @session_id GROUP BY status";
        command.AddParameter("@session_id", sessionId);
        return command;
    }

    public static async Task<bool> ExistsAsync(DbConnection connection, string sessionId, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT 1 FROM translation_sessions WHERE session_id = @session_id";
        command.AddParameter("@session_id", sessionId);
        return await command.ExecuteScalarAsync(cancellationToken) is not null;
    }

    /// <summary>The session row without statistics, on a caller's connection (and snapshot, when it holds one).</summary>
    public static async Task<SessionDetail?> ReadDetailAsync(
        DbConnection connection, DbTransaction? transaction, string sessionId, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"SELECT {DetailColumns} FROM translation_sessions WHERE session_id = @session_id";
        command.AddParameter("@session_id", sessionId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        return new SessionDetail(
            reader.GetString(0),
            reader.GetString(1),
            Rows.String(reader, 2),
            Rows.Json(reader, 3),
            Rows.Int(reader, 4),
            Rows.Int(reader, 5),
            Rows.Int(reader, 6),
            Rows.Json(reader, 7),
            Rows.Timestamp(reader, 8),
            Rows.Timestamp(reader, 9),
            null);
    }

    private static SessionSummary ReadSummary(DbDataReader reader) => new(
        reader.GetString(0),
        reader.GetString(1),
        Rows.String(reader, 2),
        Rows.Json(reader, 3),
        Rows.Int(reader, 4),
        Rows.Int(reader, 5),
        Rows.Int(reader, 6),
        Rows.Timestamp(reader, 7),
        Rows.Timestamp(reader, 8));
}
