using System.Data.Common;
using System.Text;
using Persistence.Contracts.Queries;
using Persistence.Storage;

namespace Persistence.Api.Queries;

/// <summary>Reads of <c>translation_tasks</c>: a session's tasks in task_id order, and single tasks.</summary>
public sealed class TaskQueries(DbDataSource dataSource)
{
    public const string SummaryColumns =
        "task_id, session_id, batch_id, status, source_lang, target_lang, attempts, error, created_at, updated_at";

    public const string DetailColumns =
        "task_id, session_id, batch_id, status, source_lang, target_lang, source_text, translated_text, error, attempts, metadata, created_at, updated_at";

    /// <summary>The session's tasks, or null when the session is unknown.</summary>
    public async Task<ResultPage<TaskSummary>?> ListAsync(string sessionId, TaskListRequest request, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        if (!await SessionQueries.ExistsAsync(connection, sessionId, cancellationToken))
        {
            return null;
        }

        await using var list = BuildListCommand(connection, sessionId, request);
        var items = new List<TaskSummary>(request.PageSize + 1);
        await using (var reader = await list.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                items.Add(new TaskSummary(
                    reader.GetString(0),
                    reader.GetString(1),
                    Rows.String(reader, 2),
                    reader.GetString(3),
                    Rows.String(reader, 4),
                    Rows.String(reader, 5),
                    Rows.Int(reader, 6),
                    Rows.String(reader, 7),
                    Rows.Timestamp(reader, 8),
                    Rows.Timestamp(reader, 9)));
            }
        }

        string? next = null;
        if (items.Count > request.PageSize)
        {
            items.RemoveAt(items.Count - 1);
            next = new PageCursor(PageOrder.TaskIdAscending, 0, items[^1].TaskId).Encode();
        }

        return new ResultPage<TaskSummary>(null, null, request.PageSize, items, next);
    }

    /// <summary>
    /// Keyset on task_id within the session: (session_id[, status]) indexes end in the primary key, so each status
    /// range is already in task_id order; several statuses are merged as in the session list.
    /// </summary>
    public static DbCommand BuildListCommand(DbConnection connection, string sessionId, TaskListRequest request)
    {
        var command = connection.CreateCommand();
        command.AddParameter("@session_id", sessionId);
        command.AddParameter("@limit", request.PageSize + 1);
        var filters = new StringBuilder();
        if (request.TargetLang is { } target)
        {
            filters.Append(" AND target_lang = @target_lang");
            command.AddParameter("@target_lang", target);
        }

        if (request.BatchId is { } batch)
        {
            filters.Append(" AND batch_id = @batch_id");
            command.AddParameter("@batch_id", batch);
        }

        if (request.Cursor is { } cursor)
        {
            filters.Append(" AND task_id > @after_id");
            command.AddParameter("@after_id", cursor.Id);
        }

        const string OrderBy = "ORDER BY task_id";
        if (request.Statuses.Count <= 1)
        {
            var status = "";
            if (request.Statuses.Count == 1)
            {
                status = " AND status = @status0";
                command.AddParameter("@status0", request.Statuses[0]);
            }

            command.CommandText = $"SELECT {SummaryColumns} FROM translation_tasks WHERE session_id = @session_id{status}{filters} {OrderBy} LIMIT @limit";
            return command;
        }

        var branches = new StringBuilder();
        for (var i = 0; i < request.Statuses.Count; i++)
        {
            var name = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"@status{i}");
            command.AddParameter(name, request.Statuses[i]);
            branches.Append(i == 0 ? "" : " UNION ALL ")
                .Append($"(SELECT {SummaryColumns} FROM translation_tasks WHERE session_id = @session_id AND status = {name}{filters} {OrderBy} LIMIT @limit)");
        }

        command.CommandText = $"SELECT {SummaryColumns} FROM ({branches}) AS merged {OrderBy} LIMIT @limit";
        return command;
    }

    public async Task<TaskDetail?> GetAsync(string taskId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {DetailColumns} FROM translation_tasks WHERE task_id = @task_id";
        command.AddParameter("@task_id", taskId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ReadDetail(reader) : null;
    }

    public static TaskDetail ReadDetail(DbDataReader reader) => new(
        reader.GetString(0),
        reader.GetString(1),
        Rows.String(reader, 2),
        reader.GetString(3),
        Rows.String(reader, 4),
        Rows.String(reader, 5),
        Rows.String(reader, 6),
        Rows.String(reader, 7),
        Rows.String(reader, 8),
        Rows.Int(reader, 9),
        Rows.Json(reader, 10),
        Rows.Timestamp(reader, 11),
        Rows.Timestamp(reader, 12));
}
