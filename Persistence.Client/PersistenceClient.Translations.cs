using Persistence.Client.Http;
using Persistence.Client.Models;
using Persistence.Client.Paging;
using Persistence.Contracts;
using Persistence.Contracts.Translations;

namespace Persistence.Client;

public sealed partial class PersistenceClient
{
    /// <summary>
    /// Registers a text for translation into its target languages (<c>POST /api/v1/translation/jobs</c>, ingest scope). Job ids
    /// derive from the request alone, so sending it again names the same jobs and never resets one already processed.
    /// </summary>
    public Task<TranslationAccepted> RequestTranslationAsync(TranslationRequest request, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, ApiRoutes.Translation.Jobs, Body(request, PersistenceJsonContext.Default.TranslationRequest),
            HttpJsonContext.Default.TranslationAccepted, cancellationToken);

    /// <summary>Registers several translation requests at once (<c>POST /api/v1/translation/jobs/batch</c>, ingest scope).</summary>
    public Task<TranslationBatchAccepted> RequestTranslationsAsync(IReadOnlyList<TranslationRequest> requests, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, ApiRoutes.Translation.JobsBatch,
            Body(new TranslationRequestBatch(requests), PersistenceJsonContext.Default.TranslationRequestBatch),
            HttpJsonContext.Default.TranslationBatchAccepted, cancellationToken);

    /// <summary>
    /// A business id's newest job per target language, or only <paramref name="lang"/>'s (<c>GET /api/v1/translation/jobs/by-business-id/{business_id}</c>,
    /// read scope); null while nothing is registered (registration is asynchronous: <see cref="FlushAllAsync"/> waits for it).
    /// </summary>
    public Task<TranslationState?> GetTranslationAsync(string businessId, string? lang = null, CancellationToken cancellationToken = default) =>
        GetOrNullAsync(
            new QueryString($"{ApiRoutes.Translation.JobsByBusinessId}/{BusinessIdPath(businessId)}").Add(QueryParameters.TargetLang, lang).ToString(),
            HttpJsonContext.Default.TranslationState, cancellationToken);

    /// <summary>Every job matching <paramref name="query"/>, in job id order, page by page (<c>GET /api/v1/translation/jobs</c>, read scope).</summary>
    public IAsyncEnumerable<JobState> ListTranslationJobsAsync(TranslationJobQuery? query = null, CancellationToken cancellationToken = default)
    {
        query ??= new TranslationJobQuery();
        return CursorPager.ReadAllAsync<JobState>(
            async (cursor, ct) =>
            {
                var uri = new QueryString(ApiRoutes.Translation.Jobs)
                    .Add(QueryParameters.Status, query.Status)
                    .Add(QueryParameters.TargetLang, query.Lang)
                    .Add(QueryParameters.PageSize, query.PageSize)
                    .Add(QueryParameters.Cursor, cursor);
                var page = await SendAsync(HttpMethod.Get, uri.ToString(), null, HttpJsonContext.Default.JobPage, ct);
                return (page.Items, page.NextCursor);
            },
            cancellationToken);
    }

    /// <summary>Puts a failed job back to pending with fresh attempts (<c>POST /api/v1/translation/jobs/{job_id}/retry</c>, admin scope).</summary>
    /// <exception cref="PersistenceApiException">404 for an unknown job, 409 when the job is not failed.</exception>
    public Task<JobRequeued> RetryTranslationJobAsync(string jobId, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, JobAction(jobId, ApiRoutes.JobActions.Retry), null,
            HttpJsonContext.Default.JobRequeued, cancellationToken);

    // Slashes are part of business ids (docs/intro.title) and of the routes, so each segment is escaped on its own.
    private static string BusinessIdPath(string businessId) => string.Join('/', businessId.Split('/').Select(QueryString.Segment));
}
