using Persistence.Client.Http;
using Persistence.Contracts;
using Persistence.Contracts.Ingest;
using Persistence.Contracts.Pipeline;

namespace Persistence.Client;

public sealed partial class PersistenceClient
{
    /// <summary>
    /// Persists session states (<c>POST /api/v1/persistence/sessions/batch</c>, ingest scope). Returns once Redis holds
    /// the whole batch; the newest <c>updated_at</c> of each session wins in MySQL, so sending a batch again is harmless.
    /// </summary>
    /// <exception cref="PersistenceApiException">400 naming each bad record's index and field (nothing was accepted), 413, 429, 503.</exception>
    public Task<AcceptedBatch> PersistSessionsAsync(IReadOnlyList<SessionRecord> sessions, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, ApiRoutes.Persistence.SessionsBatch, Body(new SessionBatch(sessions), PersistenceJsonContext.Default.SessionBatch),
            HttpJsonContext.Default.AcceptedBatch, cancellationToken);

    /// <summary>Persists task states (<c>POST /api/v1/persistence/tasks/batch</c>, ingest scope), like <see cref="PersistSessionsAsync"/>.</summary>
    /// <exception cref="PersistenceApiException">400 naming each bad record's index and field (nothing was accepted), 413, 429, 503.</exception>
    public Task<AcceptedBatch> PersistTasksAsync(IReadOnlyList<TaskRecord> tasks, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, ApiRoutes.Persistence.TasksBatch, Body(new TaskBatch(tasks), PersistenceJsonContext.Default.TaskBatch),
            HttpJsonContext.Default.AcceptedBatch, cancellationToken);

    /// <summary>
    /// Waits until every record accepted before the call is committed to MySQL (<c>POST /api/v1/persistence/flush</c>,
    /// ingest scope), for at most <paramref name="timeout"/> on the server (its default when null).
    /// </summary>
    /// <exception cref="PersistenceApiException">504 when the records were not all committed in time; 503 when Redis is unreachable.</exception>
    public Task<FlushResult> FlushAllAsync(TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, new QueryString(ApiRoutes.Persistence.Flush).Add(QueryParameters.TimeoutMs, (int?)timeout?.TotalMilliseconds).ToString(), null,
            HttpJsonContext.Default.FlushResult, cancellationToken);

    /// <summary>The pipeline's streams, dead letters and backpressure (<c>GET /api/v1/persistence/stats</c>, admin scope).</summary>
    public Task<PipelineStats> GetStatsAsync(CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Get, ApiRoutes.Persistence.Stats, null, HttpJsonContext.Default.PipelineStats, cancellationToken);
}
