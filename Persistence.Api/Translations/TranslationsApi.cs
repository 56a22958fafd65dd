using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Persistence.Api.Backpressure;
using Persistence.Api.Callers;
using Persistence.Api.Http;
using Persistence.Api.Ingest;
using Persistence.Api.OpenApi;
using Persistence.Api.Queries;
using Persistence.Contracts;
using Persistence.Contracts.Translations;
using StackExchange.Redis;

namespace Persistence.Api.Translations;

public static class TranslationsApi
{
    public const string StatusParameter = QueryParameters.Status;
    public const string TargetLangParameter = QueryParameters.TargetLang;
    public const string CursorParameter = QueryParameters.Cursor;
    public const string PageSizeParameter = QueryParameters.PageSize;
    private const string DeprecatedTargetLang = "lang";
    private const string DeprecatedPageSize = "limit";

    private static readonly AcceptedQuery ByBusinessIdQuery = new([TargetLangParameter])
    {
        DeprecatedNames = new Dictionary<string, string> { [DeprecatedTargetLang] = TargetLangParameter },
    };

    private static readonly AcceptedQuery ListQuery = new([StatusParameter, TargetLangParameter, CursorParameter, PageSizeParameter])
    {
        DeprecatedNames = new Dictionary<string, string> { [DeprecatedTargetLang] = TargetLangParameter, [DeprecatedPageSize] = PageSizeParameter },
    };

    public static RouteGroupBuilder MapTranslationsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup(ApiRoutes.Translation.Jobs).WithTags("Translations").AnswerUnavailableWhenDatabaseIsDown();
        MapJobRoutes(api, "/by-business-id", deprecatedFrom: null);

        var old = app.MapGroup(ApiRoutes.DeprecatedTranslations.Prefix).WithTags("Translations").AnswerUnavailableWhenDatabaseIsDown();
        MapJobRoutes(old, "", deprecatedFrom: ApiRoutes.Translation.Jobs);
        return api;
    }

    /// <summary>The job routes under one prefix; under the old one each also names its successor.</summary>
    private static void MapJobRoutes(RouteGroupBuilder api, string byBusinessId, string? deprecatedFrom)
    {
        // Endpoint names are the operation ids, so the old spelling of each gets a name of its own.
        RouteHandlerBuilder Alias(RouteHandlerBuilder endpoint, string name, string successor) =>
            deprecatedFrom is null ? endpoint.WithName(name) : endpoint.WithName(name + "Deprecated").DeprecatedFor(deprecatedFrom + successor);

        Alias(api.MapPost("/", RequestAsync), "requestTranslation", "")
            .RequiresScope(Scopes.Ingest)
            .AcceptsQuery()
            .Accepts<TranslationRequest>("application/json")
            .WithSummary("Register one text for translation")
            .WithDescription("Registers one job per target language. Job ids derive from the business id, the content and the language, so sending the same request again registers nothing new and answers the same ids.")
            .DocumentsBody();
        Alias(api.MapPost("/batch", RequestBatchAsync), "requestTranslationBatch", "/batch")
            .RequiresScope(Scopes.Ingest)
            .AcceptsQuery()
            .Accepts<TranslationRequestBatch>("application/json")
            .WithSummary("Register many texts for translation")
            .WithDescription("All or nothing: one invalid item refuses the batch, and the 400 lists every problem with its item index. Charged by its items against the key's record limit.")
            .DocumentsBody();
        Alias(api.MapGet("/", ListAsync), "listTranslationJobs", "")
            .RequiresScope(Scopes.Read)
            .AcceptsQuery(ListQuery)
            .WithSummary("List translation jobs")
            .WithDescription("Jobs in job id order, keyset-paged: pass next_cursor as cursor for the next page.")
            .DocumentsInvalidQuery();
        // Catch-all, so that business ids with slashes (docs/intro.title) can be looked up as they are.
        Alias(api.MapGet(byBusinessId + "/{**business_id}", GetAsync), "getTranslationsOfBusinessId", "/by-business-id/{**business_id}")
            .RequiresScope(Scopes.Read)
            .AcceptsQuery(ByBusinessIdQuery)
            .WithSummary("The newest job per language of a business id")
            .WithDescription("The business id is the rest of the path as it is, slashes included (docs/intro.title).")
            .DocumentsInvalidQuery()
            .DocumentsNotFound();
        Alias(api.MapPost("/{job_id}/retry", RetryAsync), "retryTranslationJob", "/{job_id}/retry")
            .RequiresScope(Scopes.Admin)
            .AcceptsQuery()
            .WithSummary("Retry a failed job")
            .WithDescription("Puts a failed job back to pending with a fresh set of attempts. 409 when the job is not failed.")
            .DocumentsNotFound()
            .DocumentsConflict();
    }

    public static async Task<Results<Accepted<TranslationAccepted>, ProblemHttpResult>> RequestAsync([AsParameters] TranslationIntake intake)
    {
        var (request, validator, appender, backlog, time, limits, _, logger, cancellationToken) = intake;
        // Registration appends to the streams like ingest does, so it sheds load alike, before reading the body.
        if (backlog.Refusal(request.HttpContext, "request") is { } refusal)
        {
            return refusal;
        }

        var read = await BatchReader.ReadAsync(request, PersistenceJsonContext.Default.TranslationRequest, limits.Value.MaxBodyBytes, cancellationToken);
        if (read.IsTooLarge)
        {
            return Problems.TooLarge(read.Error!.Message);
        }

        if (read.Error is { } error)
        {
            return Problems.Invalid("The body is not a valid translation request.", [error with { Index = null }]);
        }

        var errors = validator.Validate([read.Batch]);
        if (errors.Count > 0)
        {
            return Problems.Invalid($"{errors.Count} problem(s) in the request; nothing was registered.", [.. errors.Select(e => e with { Index = null })]);
        }

        var plan = Plan.Of([read.Batch!], time.GetUtcNow(), request.HttpContext.CallerKeyId());
        return await RegisterAsync(plan, appender, request.HttpContext, logger) is { } failure
            ? failure
            : TypedResults.Accepted((string?)null, plan.Accepted[0]);
    }

    public static async Task<Results<Accepted<TranslationBatchAccepted>, ProblemHttpResult>> RequestBatchAsync([AsParameters] TranslationIntake intake)
    {
        var (request, validator, appender, backlog, time, limits, options, logger, cancellationToken) = intake;
        if (backlog.Refusal(request.HttpContext, "batch") is { } refusal)
        {
            return refusal;
        }

        // The item limit is enforced while reading, before one request is built.
        var read = await BatchReader.ReadAsync(request, PersistenceJsonContext.Default.TranslationRequestBatch, limits.Value.MaxBodyBytes, options.Value.MaxBatchItems, cancellationToken);
        if (read.IsTooLarge)
        {
            return Problems.TooLarge(read.Error!.Message);
        }

        if (read.Error is { } error)
        {
            return Problems.Invalid("The body is not a valid batch.", [error]);
        }

        if (read.Batch!.Items is not { } items)
        {
            return Problems.Invalid("The body is not a valid batch.", [new FieldError(null, "items", "is required")]);
        }

        var errors = validator.Validate(items);
        if (errors.Count > 0)
        {
            return Problems.Invalid($"{errors.Count} problem(s) in the batch; nothing of it was registered.", errors);
        }

        var plan = Plan.Of([.. items.Select(i => i!)], time.GetUtcNow(), request.HttpContext.CallerKeyId());
        return await RegisterAsync(plan, appender, request.HttpContext, logger) is { } failure
            ? failure
            : TypedResults.Accepted((string?)null, new TranslationBatchAccepted("accepted", items.Count, plan.Accepted));
    }

    public static async Task<Results<Ok<TranslationState>, ProblemHttpResult>> GetAsync(
        [FromRoute(Name = "business_id")] string businessId, QueryReader query, TranslationQueries queries, CancellationToken cancellationToken)
    {
        var targetLang = TargetLanguage(query);
        if (!query.IsValid)
        {
            return Problems.InvalidQuery(query.Errors);
        }

        var jobs = await queries.ByBusinessIdAsync(businessId, targetLang, cancellationToken);
        return jobs.Count == 0
            ? Problems.NotFound(targetLang is null
                ? $"No translation is registered for business id '{businessId}' (or it is still on its way from the queue)."
                : $"No translation into '{targetLang}' is registered for business id '{businessId}'.")
            : TypedResults.Ok(new TranslationState(businessId, jobs));
    }

    public static async Task<Results<Ok<JobPage>, ProblemHttpResult>> ListAsync(
        QueryReader query, TranslationQueries queries, IOptions<TranslationOptions> options, CancellationToken cancellationToken)
    {
        var status = query.Choice(StatusParameter, TranslationStatus.All);
        var targetLang = TargetLanguage(query);
        var cursor = query.Text(CursorParameter);
        if (cursor is not null && !TranslationKeys.IsJobId(cursor))
        {
            query.Errors.Add(new(null, CursorParameter, "must be a next_cursor from an earlier page"));
        }

        var take = query.PageSize(options.Value.DefaultPageSize, options.Value.MaxPageSize, DeprecatedPageSize);
        if (!query.IsValid)
        {
            return Problems.InvalidQuery(query.Errors);
        }

        var jobs = await queries.PageAsync(status, targetLang, cursor, take, cancellationToken);
        return TypedResults.Ok(new JobPage(jobs, jobs.Count == take ? jobs[^1].JobId : null));
    }

    /// <summary><c>target_lang</c>, or its deprecated spelling <c>lang</c>.</summary>
    private static string? TargetLanguage(QueryReader query)
    {
        var (value, name) = query.FirstOf(TargetLangParameter, DeprecatedTargetLang);
        return query.Language(value, name);
    }

    public static async Task<Results<Accepted<JobRequeued>, ProblemHttpResult>> RetryAsync(
        [FromRoute(Name = "job_id")] string jobId, JobTransitions transitions, HttpContext context, ILogger<TranslationQueries> logger, CancellationToken cancellationToken)
    {
        // No job can have another shape, and the ASCII column could not even be compared with most (MySQL would fail).
        if (!TranslationKeys.IsJobId(jobId))
        {
            return Problems.NotFound($"No job '{jobId}': job ids are {TranslationKeys.JobIdLength} lowercase hexadecimal characters.");
        }

        var outcome = await transitions.RetryFailedAsync(jobId, context.CallerKeyId() ?? ReviewApi.UnknownActor, cancellationToken);
        if (outcome.Result == TransitionResult.Done)
        {
            Log.JobRequeued(logger, jobId, context.CallerKeyId());
            return TypedResults.Accepted((string?)null, new JobRequeued("requeued", jobId));
        }

        return ReviewApi.Refusal(jobId, outcome);
    }

    /// <summary>Appends the contents and jobs in one transaction; null on success, else the 503 to answer.</summary>
    private static async Task<ProblemHttpResult?> RegisterAsync(Plan plan, StreamAppender appender, HttpContext context, ILogger logger)
    {
        try
        {
            await appender.AppendAsync(
                [
                    StreamBatch.Of(PersistenceStreams.TranslationContents, plan.Contents, PersistenceJsonContext.Default.TranslationContentRecord),
                    StreamBatch.Of(PersistenceStreams.TranslationJobs, plan.Jobs, PersistenceJsonContext.Default.TranslationJobRecord),
                ],
                context.CallerKeyId());
        }
        catch (StreamSealedException ex)
        {
            // A restore has taken the stack out of service; the same request succeeds once it is back.
            Log.AppendFailed(logger, ex.Stream, plan.Jobs.Count, ex);
            return Problems.Unavailable(context, "The translation streams are sealed (a restore is under way); nothing of the request was accepted. Retry the same request.");
        }
        catch (Exception ex) when (ex is RedisException or RedisTimeoutException or TimeoutException)
        {
            Log.AppendFailed(logger, PersistenceStreams.TranslationJobs, plan.Jobs.Count, ex);
            return Problems.AppendNotConfirmed(context, "request", ex);
        }

        Log.Accepted(logger, PersistenceStreams.TranslationJobs, plan.Jobs.Count);
        return null;
    }

    /// <summary>The stream records a set of valid requests turn into (each content and job once), and the answer.</summary>
    private sealed record Plan(List<TranslationContentRecord> Contents, List<TranslationJobRecord> Jobs, List<TranslationAccepted> Accepted)
    {
        public static Plan Of(IReadOnlyList<TranslationRequest> requests, DateTimeOffset now, string? requestedBy)
        {
            var contents = new Dictionary<string, TranslationContentRecord>(StringComparer.Ordinal);
            var jobs = new Dictionary<string, TranslationJobRecord>(StringComparer.Ordinal);
            var accepted = new List<TranslationAccepted>(requests.Count);
            foreach (var request in requests)
            {
                var references = new List<JobReference>(request.TargetLangs!.Count);
                var hash = TranslationKeys.ContentHash(request.SourceLang!, request.Text!, request.Context);
                contents.TryAdd(hash, new TranslationContentRecord
                {
                    ContentHash = hash,
                    SourceLang = request.SourceLang,
                    Text = request.Text,
                    Context = request.Context,
                    CreatedAt = now,
                });
                foreach (var target in request.TargetLangs!.Distinct(StringComparer.Ordinal))
                {
                    var jobId = TranslationKeys.JobId(request.BusinessId!, hash, target!);
                    references.Add(new JobReference(jobId, target!));
                    jobs.TryAdd(jobId, new TranslationJobRecord
                    {
                        JobId = jobId,
                        BusinessId = request.BusinessId,
                        ContentHash = hash,
                        SourceLang = request.SourceLang,
                        TargetLang = target,
                        CreatedAt = now,
                        RequestedBy = requestedBy,
                    });
                }

                accepted.Add(new TranslationAccepted("accepted", request.BusinessId!, references));
            }

            return new Plan([.. contents.Values], [.. jobs.Values], accepted);
        }
    }
}
