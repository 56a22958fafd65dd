using Persistence.Client.Http;
using Persistence.Client.Models;
using Persistence.Client.Paging;
using Persistence.Contracts;
using Persistence.Contracts.Queries;

namespace Persistence.Client;

public sealed partial class PersistenceClient
{
    /// <summary>
    /// Every session matching <paramref name="query"/> (<c>GET /api/v1/translation/sessions</c>, read scope), fetched
    /// page by page by cursor as the enumeration goes.
    /// </summary>
    public IAsyncEnumerable<SessionSummary> ListSessionsAsync(SessionQuery? query = null, CancellationToken cancellationToken = default) =>
        CursorPager.ReadAllAsync<SessionSummary>(
            async (cursor, ct) =>
            {
                var page = await GetSessionPageAsync(query, cursor, ct);
                return (page.Items, page.NextCursor);
            },
            cancellationToken);

    /// <summary>
    /// One page of sessions: the first (with its <see cref="ResultPage{T}.Total"/>) when <paramref name="cursor"/> is null,
    /// else the page after the one whose <see cref="ResultPage{T}.NextCursor"/> it is.
    /// </summary>
    public Task<ResultPage<SessionSummary>> GetSessionPageAsync(SessionQuery? query = null, string? cursor = null, CancellationToken cancellationToken = default)
    {
        query ??= new SessionQuery();
        var uri = new QueryString(ApiRoutes.Translation.Sessions)
            .Add(QueryParameters.Status, query.Statuses)
            .Add(QueryParameters.From, query.From)
            .Add(QueryParameters.To, query.To)
            .Add(QueryParameters.SourceLang, query.SourceLang)
            .Add(QueryParameters.TargetLang, query.TargetLang)
            .Add(QueryParameters.Sort, query.Sort)
            .Add(QueryParameters.Order, query.Ascending ? "asc" : null)
            .Add(QueryParameters.PageSize, query.PageSize)
            .Add(QueryParameters.Cursor, cursor)
            .Add(QueryParameters.Consistency, query.Consistency);
        return SendAsync(HttpMethod.Get, uri.ToString(), null, HttpJsonContext.Default.ResultPageSessionSummary, cancellationToken);
    }

    /// <summary>One session with its tasks counted by status; null when there is none (<c>GET /api/v1/translation/sessions/{id}</c>).</summary>
    public Task<SessionDetail?> GetSessionAsync(string sessionId, ReadConsistency? consistency = null, CancellationToken cancellationToken = default) =>
        GetOrNullAsync(
            new QueryString($"{ApiRoutes.Translation.Sessions}/{QueryString.Segment(sessionId)}").Add(QueryParameters.Consistency, consistency).ToString(),
            HttpJsonContext.Default.SessionDetail, cancellationToken);

    /// <summary>
    /// Every task of a session matching <paramref name="query"/>, in task id order, page by page
    /// (<c>GET /api/v1/translation/sessions/{id}/tasks</c>). An unknown session throws a 404 <see cref="PersistenceApiException"/>.
    /// </summary>
    public IAsyncEnumerable<TaskSummary> ListTasksAsync(string sessionId, TaskQuery? query = null, CancellationToken cancellationToken = default)
    {
        query ??= new TaskQuery();
        var path = $"{ApiRoutes.Translation.Sessions}/{QueryString.Segment(sessionId)}/tasks";
        return CursorPager.ReadAllAsync<TaskSummary>(
            async (cursor, ct) =>
            {
                var uri = new QueryString(path)
                    .Add(QueryParameters.Status, query.Statuses)
                    .Add(QueryParameters.TargetLang, query.TargetLang)
                    .Add(QueryParameters.BatchId, query.BatchId)
                    .Add(QueryParameters.PageSize, query.PageSize)
                    .Add(QueryParameters.Cursor, cursor)
                    .Add(QueryParameters.Consistency, query.Consistency);
                var page = await SendAsync(HttpMethod.Get, uri.ToString(), null, HttpJsonContext.Default.ResultPageTaskSummary, ct);
                return (page.Items, page.NextCursor);
            },
            cancellationToken);
    }

    /// <summary>One task in full, with its texts and metadata; null when there is none (<c>GET /api/v1/translation/tasks/{id}</c>).</summary>
    public Task<TaskDetail?> GetTaskAsync(string taskId, ReadConsistency? consistency = null, CancellationToken cancellationToken = default) =>
        GetOrNullAsync(
            new QueryString($"{ApiRoutes.Translation.Tasks}/{QueryString.Segment(taskId)}").Add(QueryParameters.Consistency, consistency).ToString(),
            HttpJsonContext.Default.TaskDetail, cancellationToken);
}
