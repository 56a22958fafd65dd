using System.Net;
using Persistence.Client.Http;
using Persistence.Client.Paging;
using Persistence.Contracts;
using Persistence.Contracts.DeadLetters;
using Persistence.Contracts.GarbageCollection;

namespace Persistence.Client;

public sealed partial class PersistenceClient
{
    /// <summary>Every dead letter, oldest first, page by page (<c>GET /api/v1/persistence/dead-letters</c>, admin scope).</summary>
    public IAsyncEnumerable<DeadLetter> ListDeadLettersAsync(int? pageSize = null, CancellationToken cancellationToken = default) =>
        CursorPager.ReadAllAsync<DeadLetter>(
            async (cursor, ct) =>
            {
                var uri = new QueryString(ApiRoutes.Persistence.DeadLetters)
                    .Add(QueryParameters.PageSize, pageSize)
                    .Add(QueryParameters.Cursor, cursor);
                var page = await SendAsync(HttpMethod.Get, uri.ToString(), null, HttpJsonContext.Default.DeadLetterPage, ct);
                return (page.Items, page.NextCursor);
            },
            cancellationToken);

    /// <summary>One dead letter; null when there is none.</summary>
    public Task<DeadLetter?> GetDeadLetterAsync(string id, CancellationToken cancellationToken = default) =>
        GetOrNullAsync($"{ApiRoutes.Persistence.DeadLetters}/{QueryString.Segment(id)}", HttpJsonContext.Default.DeadLetter, cancellationToken);

    /// <summary>Moves a dead letter back to its source stream (admin scope).</summary>
    /// <exception cref="PersistenceApiException">404 for an unknown id; 503 while the backlog is over its high-water mark.</exception>
    public Task<ReplayResult> ReplayDeadLetterAsync(string id, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, $"{ApiRoutes.Persistence.DeadLetters}/{QueryString.Segment(id)}/replay", null,
            HttpJsonContext.Default.ReplayResult, cancellationToken);

    /// <summary>Replays every dead letter there was when the call began (admin scope).</summary>
    public Task<ReplayResult> ReplayAllDeadLettersAsync(CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, ApiRoutes.Persistence.DeadLettersReplayAll, null, HttpJsonContext.Default.ReplayResult, cancellationToken);

    /// <summary>Discards a dead letter (admin scope); false when there was none.</summary>
    public async Task<bool> DeleteDeadLetterAsync(string id, CancellationToken cancellationToken = default)
    {
        using var response = await _http.DeleteAsync(Relative($"{ApiRoutes.Persistence.DeadLetters}/{QueryString.Segment(id)}"), cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }

        await EnsureSuccessAsync(response, cancellationToken);
        return true;
    }

    /// <summary>
    /// Runs garbage collection now (<c>POST /api/v1/admin/gc</c>, admin scope): deletes sessions ended and last updated
    /// before the retention period with their tasks, or only counts them when <paramref name="dryRun"/>.
    /// </summary>
    /// <exception cref="PersistenceApiException">409 while another collection holds the lock.</exception>
    public Task<GarbageCollectionResult> CollectGarbageAsync(bool dryRun = false, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, new QueryString(ApiRoutes.Admin.GarbageCollection).Add(QueryParameters.DryRun, dryRun ? "true" : "false").ToString(), null,
            HttpJsonContext.Default.GarbageCollectionResult, cancellationToken);
}
