using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Persistence.Api.Callers;
using Persistence.Api.Http;
using Persistence.Api.Ingest;
using Persistence.Api.OpenApi;
using Persistence.Api.Queries;
using Persistence.Contracts;
using Persistence.Contracts.Translations;

namespace Persistence.Api.Translations;

/// <summary>
/// The failed jobs with their errors and attempts (<c>GET /api/v1/translation/failed-jobs</c>), and their re-queue in
/// bulk with the same filters (<c>POST /api/v1/translation/failed-jobs/requeue</c>), bounded per call.
/// </summary>
public static class FailedJobsApi
{
    private const string CursorKind = "f1";
    private const string Engine = QueryParameters.Engine;
    private const string Since = QueryParameters.Since;
    private const string Until = QueryParameters.Until;
    private const string MaxJobs = QueryParameters.MaxJobs;
    private const string ToEngine = QueryParameters.ToEngine;

    public static RouteGroupBuilder MapFailedTranslationsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup(ApiRoutes.Translation.FailedJobs).WithTags("Translations").AnswerUnavailableWhenDatabaseIsDown();
        api.MapGet("/", ListAsync)
            .WithName("listFailedTranslationJobs")
            .RequiresScope(Scopes.Read)
            .AcceptsQuery(QueryParameters.TargetLang, Engine, Since, Until, QueryParameters.PageSize, QueryParameters.Cursor)
            .WithSummary("List failed translation jobs")
            .WithDescription("Failed jobs with their last error and attempts, newest first, filtered by language, engine and failure time; keyset-paged.")
            .DocumentsInvalidQuery();
        api.MapPost("/requeue", RequeueAsync)
            .WithName("requeueFailedTranslationJobs")
            .RequiresScope(Scopes.Admin)
            .AcceptsQuery(QueryParameters.TargetLang, Engine, Since, Until, MaxJobs, ToEngine)
            .WithSummary("Re-queue failed jobs in bulk")
            .WithDescription("Up to max_jobs of the failed jobs the filters select go back to pending, optionally for another engine (409 when no running worker can run it); more says whether to call again.")
            .DocumentsInvalidQuery()
            .DocumentsConflict();
        return api;
    }

    public static async Task<Results<Ok<JobPage>, ProblemHttpResult>> ListAsync(
        QueryReader query, FailedJobQueries queries, IOptions<TranslationOptions> options, CancellationToken cancellationToken)
    {
        var filter = Filter(query);
        var size = query.PageSize(options.Value.DefaultPageSize, options.Value.MaxPageSize);
        (DateTime, string)? before = null;
        if (LifecycleCursor.Read(query, CursorKind) is { } position && (before = FailedJobQueries.ParsePosition(position)) is null)
        {
            query.Errors.Add(new(null, QueryParameters.Cursor, "is not a cursor this endpoint issued; pass next_cursor unchanged"));
        }

        if (!query.IsValid)
        {
            return Problems.InvalidQuery(query.Errors);
        }

        var jobs = await queries.PageAsync(filter, before, size, cancellationToken);
        return TypedResults.Ok(new JobPage(jobs, jobs.Count == size ? LifecycleCursor.Encode(CursorKind, FailedJobQueries.Position(jobs[^1])) : null));
    }

    public static async Task<Results<Accepted<BulkRequeued>, ProblemHttpResult>> RequeueAsync(
        HttpRequest request, QueryReader query, JobTransitions transitions, EngineAvailability engines, IOptions<TranslationOptions> options, ILogger<JobTransitions> logger,
        CancellationToken cancellationToken)
    {
        var filter = Filter(query);
        var toEngine = query.Choice(ToEngine, TranslationEngines.All);
        var limit = query.Number(MaxJobs, 1, options.Value.MaxPageSize) ?? options.Value.MaxPageSize;
        if (!query.IsValid)
        {
            return Problems.InvalidQuery(query.Errors);
        }

        if (toEngine is not null && await engines.RefusalAsync(toEngine) is { } refusal)
        {
            return Problems.Conflict(refusal);
        }

        var actor = request.HttpContext.CallerKeyId() ?? ReviewApi.UnknownActor;
        var requeued = await transitions.RequeueFailedAsync(filter, limit, toEngine, actor, cancellationToken);
        TranslationLog.FailedJobsRequeued(logger, requeued.Count, actor);
        // As many as the limit: more may match, and the caller repeats the call until fewer come back.
        return TypedResults.Accepted((string?)null, new BulkRequeued("requeued", requeued.Count, requeued.Count == limit, requeued));
    }

    private static FailedJobFilter Filter(QueryReader query) =>
        new(query.Language(QueryParameters.TargetLang), query.Choice(Engine, TranslationEngines.All), query.Timestamp(Since), query.Timestamp(Until));
}
