using Persistence.Client.Http;
using Persistence.Client.Models;
using Persistence.Client.Paging;
using Persistence.Contracts;
using Persistence.Contracts.Translations;

namespace Persistence.Client;

public sealed partial class PersistenceClient
{
    /// <summary>
    /// Approves a translated job (<c>POST /api/v1/translation/jobs/{job_id}/approve</c>, review scope): the key id, the
    /// time and <paramref name="note"/> are recorded, memory prefers this text, and no automatic re-translation replaces it.
    /// </summary>
    /// <exception cref="PersistenceApiException">404 for an unknown job, 409 when the job is not translated.</exception>
    public Task<JobReviewed> ApproveTranslationJobAsync(string jobId, string? note = null, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, JobAction(jobId, ApiRoutes.JobActions.Approve), Body(new ReviewRequest(note), HttpJsonContext.Default.ReviewRequest),
            HttpJsonContext.Default.JobReviewed, cancellationToken);

    /// <summary>
    /// Rejects a translated job (<c>POST /api/v1/translation/jobs/{job_id}/reject</c>, review scope): recorded like an
    /// approval, and its text is taken out of memory. <see cref="RequeueTranslationJobAsync"/> then translates it afresh.
    /// </summary>
    /// <exception cref="PersistenceApiException">404 for an unknown job, 409 when the job is not translated.</exception>
    public Task<JobReviewed> RejectTranslationJobAsync(string jobId, string? note = null, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, JobAction(jobId, ApiRoutes.JobActions.Reject), Body(new ReviewRequest(note), HttpJsonContext.Default.ReviewRequest),
            HttpJsonContext.Default.JobReviewed, cancellationToken);

    /// <summary>
    /// Puts a rejected or failed job back to pending with fresh attempts, asking the engine afresh without memory, on
    /// <paramref name="engine"/> when given (<c>POST /api/v1/translation/jobs/{job_id}/requeue</c>, review scope).
    /// </summary>
    /// <exception cref="PersistenceApiException">400 for an unknown engine, 404 for an unknown job, 409 when the job is neither rejected nor failed.</exception>
    public Task<JobRequeued> RequeueTranslationJobAsync(string jobId, string? engine = null, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, JobAction(jobId, ApiRoutes.JobActions.Requeue), Body(new RequeueRequest(engine), HttpJsonContext.Default.RequeueRequest),
            HttpJsonContext.Default.JobRequeued, cancellationToken);

    /// <summary>
    /// Sends the newest job of <paramref name="businessId"/>, per language or only <paramref name="targetLangs"/>, to the
    /// engine again even when memory has the text (<c>POST /api/v1/translation/jobs/retranslate</c>, admin scope).
    /// Approved jobs and jobs still on their way are skipped, and the answer says which and why.
    /// </summary>
    /// <exception cref="PersistenceApiException">400 naming a bad language tag by index, 404 when no such job is registered.</exception>
    public Task<RetranslationAccepted> RetranslateAsync(string businessId, IReadOnlyList<string>? targetLangs = null, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, ApiRoutes.Translation.JobsRetranslate,
            Body(new RetranslateRequest(businessId, targetLangs), HttpJsonContext.Default.RetranslateRequest),
            HttpJsonContext.Default.RetranslationAccepted, cancellationToken);

    /// <summary>
    /// Every state change of <paramref name="businessId"/>'s jobs, or only <paramref name="lang"/>'s, with actor, time
    /// and old and new status, oldest first, page by page (<c>GET /api/v1/translation/history/{business_id}</c>, read scope).
    /// </summary>
    /// <exception cref="PersistenceApiException">404 when nothing is registered for the business id (yet: see <see cref="FlushAllAsync"/>).</exception>
    public IAsyncEnumerable<HistoryEntry> ListTranslationHistoryAsync(
        string businessId, string? lang = null, int? pageSize = null, CancellationToken cancellationToken = default)
    {
        var path = $"{ApiRoutes.Translation.History}/{BusinessIdPath(businessId)}";
        return CursorPager.ReadAllAsync<HistoryEntry>(
            async (cursor, ct) =>
            {
                var uri = new QueryString(path)
                    .Add(QueryParameters.TargetLang, lang)
                    .Add(QueryParameters.PageSize, pageSize)
                    .Add(QueryParameters.Cursor, cursor);
                var page = await SendAsync(HttpMethod.Get, uri.ToString(), null, HttpJsonContext.Default.HistoryPage, ct);
                return (page.Items, page.NextCursor);
            },
            cancellationToken);
    }

    /// <summary>
    /// Every failed job <paramref name="filter"/> selects, with its last error and attempts, newest failure first, page
    /// by page (<c>GET /api/v1/translation/failed-jobs</c>, read scope).
    /// </summary>
    public IAsyncEnumerable<JobState> ListFailedTranslationJobsAsync(
        FailedJobFilter? filter = null, int? pageSize = null, CancellationToken cancellationToken = default) =>
        CursorPager.ReadAllAsync<JobState>(
            async (cursor, ct) =>
            {
                var uri = FailedJobs(ApiRoutes.Translation.FailedJobs, filter)
                    .Add(QueryParameters.PageSize, pageSize)
                    .Add(QueryParameters.Cursor, cursor);
                var page = await SendAsync(HttpMethod.Get, uri.ToString(), null, HttpJsonContext.Default.JobPage, ct);
                return (page.Items, page.NextCursor);
            },
            cancellationToken);

    /// <summary>
    /// Puts up to <paramref name="maxJobs"/> (the server's page size limit when null) of the failed jobs
    /// <paramref name="filter"/> selects back to pending, on <paramref name="toEngine"/> when given
    /// (<c>POST /api/v1/translation/failed-jobs/requeue</c>, admin scope). Call again while <see cref="BulkRequeued.More"/>.
    /// </summary>
    /// <exception cref="PersistenceApiException">400 naming each bad parameter (an unknown engine, <c>max_jobs</c> out of range).</exception>
    public Task<BulkRequeued> RequeueFailedTranslationJobsAsync(
        FailedJobFilter? filter = null, int? maxJobs = null, string? toEngine = null, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post,
            FailedJobs(ApiRoutes.Translation.FailedJobsRequeue, filter)
                .Add(QueryParameters.MaxJobs, maxJobs)
                .Add(QueryParameters.ToEngine, toEngine)
                .ToString(),
            null, HttpJsonContext.Default.BulkRequeued, cancellationToken);

    private static string JobAction(string jobId, string action) => $"{ApiRoutes.Translation.Jobs}/{QueryString.Segment(jobId)}/{action}";

    private static QueryString FailedJobs(string path, FailedJobFilter? filter) =>
        new QueryString(path)
            .Add(QueryParameters.TargetLang, filter?.Lang)
            .Add(QueryParameters.Engine, filter?.Engine)
            .Add(QueryParameters.Since, filter?.Since)
            .Add(QueryParameters.Until, filter?.Until);
}
