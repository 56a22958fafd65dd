using Persistence.Client.Http;
using Persistence.Client.Paging;
using Persistence.Contracts;
using Persistence.Contracts.Queries;

namespace Persistence.Client;

public sealed partial class PersistenceClient
{
    /// <summary>
    /// Every session left pending, processing or paused, newest first, page by page
    /// (<c>GET /api/v1/translation/recovery/incomplete-sessions</c>, read scope).
    /// </summary>
    public IAsyncEnumerable<SessionSummary> ListIncompleteSessionsAsync(
        int? pageSize = null, ReadConsistency? consistency = null, CancellationToken cancellationToken = default) =>
        CursorPager.ReadAllAsync<SessionSummary>(
            async (cursor, ct) =>
            {
                var uri = new QueryString(ApiRoutes.Translation.IncompleteSessions)
                    .Add(QueryParameters.PageSize, pageSize)
                    .Add(QueryParameters.Cursor, cursor)
                    .Add(QueryParameters.Consistency, consistency);
                var page = await SendAsync(HttpMethod.Get, uri.ToString(), null, HttpJsonContext.Default.ResultPageSessionSummary, ct);
                return (page.Items, page.NextCursor);
            },
            cancellationToken);

    /// <summary>
    /// The session and all its unfinished tasks as one JSON package, streamed as the server reads them
    /// (<c>POST /api/v1/translation/recovery/restore/{id}</c>, read scope): dispose the stream when done. A package cut
    /// short lacks its closing <c>"complete": true</c>. Null when there is no such session.
    /// </summary>
    /// <exception cref="PersistenceApiException">503 with <c>Retry-After</c> when the replica streams its maximum of restores already.</exception>
    public async Task<Stream?> RestoreSessionAsync(string sessionId, ReadConsistency? consistency = null, CancellationToken cancellationToken = default)
    {
        var uri = new QueryString($"{ApiRoutes.Translation.Restore}/{QueryString.Segment(sessionId)}").Add(QueryParameters.Consistency, consistency);
        using var request = new HttpRequestMessage(HttpMethod.Post, Relative(uri.ToString()));
        var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        try
        {
            if (response.StatusCode == System.Net.HttpStatusCode.NotFound)
            {
                response.Dispose();
                return null;
            }

            await EnsureSuccessAsync(response, cancellationToken);
            return new ResponseStream(response, await response.Content.ReadAsStreamAsync(cancellationToken));
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }
}
