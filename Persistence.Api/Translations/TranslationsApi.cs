using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Persistence.Api.Backpressure;
using Persistence.Api.Callers;
using Persistence.Api.Ingest;
using Persistence.Api.Queries;
using Persistence.Contracts;
using StackExchange.Redis;

namespace Persistence.Api.Translations;

public static class TranslationsApi
{
    public const string RoutePrefix = "/api/v1/translations";

    public static RouteGroupBuilder MapTranslationsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup(RoutePrefix).WithTags("Translations").AnswerUnavailableWhenDatabaseIsDown();

        api.MapPost("/", RequestAsync)
            .Accepts<TranslationRequest>("application/json")
            .ProducesValidationProblem();
        api.MapPost("/batch", RequestBatchAsync)
            .Accepts<TranslationRequestBatch>("application/json")
            .ProducesValidationProblem();
        api.MapGet("/", ListAsync);
        // Catch-all, so that business ids with slashes (docs/intro.title) can be looked up as they are.
        api.MapGet("/{**businessId}", GetAsync);
        api.MapPost("/{jobId}/retry", RetryAsync);

        return api;
    }

    public static async Task<IResult> RequestAsync(
        HttpRequest request, TranslationValidator validator, StreamAppender appender, BacklogMonitor backlog, TimeProvider time,
        IOptions<IngestOptions> limits, ILogger<StreamAppender> logger, CancellationToken cancellationToken)
    {
        // Registration appends to the streams like ingest does, so it sheds load alike, before reading the body.
        if (backlog.Refusal(request.HttpContext, limits.Value.RetryAfterSeconds, "request") is { } refusal)
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
        var failure = await RegisterAsync(plan, appender, request.HttpContext, limits.Value, logger);
        return failure ?? TypedResults.Accepted((string?)null, plan.Accepted[0]);
    }

    public static async Task<IResult> RequestBatchAsync(
        HttpRequest request, TranslationValidator validator, StreamAppender appender, BacklogMonitor backlog, TimeProvider time,
        IOptions<IngestOptions> limits, IOptions<TranslationOptions> options, ILogger<StreamAppender> logger,
        CancellationToken cancellationToken)
    {
        if (backlog.Refusal(request.HttpContext, limits.Value.RetryAfterSeconds, "batch") is { } refusal)
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
        var failure = await RegisterAsync(plan, appender, request.HttpContext, limits.Value, logger);
        return failure ?? TypedResults.Accepted((string?)null, new TranslationBatchAccepted("accepted", items.Count, plan.Accepted));
    }

    public static async Task<Results<Ok<TranslationState>, ProblemHttpResult>> GetAsync(
        string businessId, [FromQuery(Name = "lang")] string? lang, TranslationQueries queries, CancellationToken cancellationToken)
    {
        if (lang is not null && !RecordValidator.IsLanguageTag(lang))
        {
            return Problems.InvalidQuery(new FieldError(null, "lang", "must be a BCP 47 language tag such as en, zh-CN or pt-BR"));
        }

        var jobs = await queries.ByBusinessIdAsync(businessId, lang, cancellationToken);
        return jobs.Count == 0
            ? Problems.NotFound(lang is null
                ? $"No translation is registered for business id '{businessId}' (or it is still on its way from the queue)."
                : $"No translation into '{lang}' is registered for business id '{businessId}'.")
            : TypedResults.Ok(new TranslationState(businessId, jobs));
    }

    public static async Task<Results<Ok<JobPage>, ProblemHttpResult>> ListAsync(
        [FromQuery(Name = "status")] string? status, [FromQuery(Name = "lang")] string? lang,
        [FromQuery(Name = "cursor")] string? cursor, [FromQuery(Name = "limit")] int? limit,
        TranslationQueries queries, IOptions<TranslationOptions> options, CancellationToken cancellationToken)
    {
        if (status is not null && !TranslationStatus.All.Contains(status))
        {
            return Problems.InvalidQuery(new FieldError(null, "status", $"must be one of: {string.Join(", ", TranslationStatus.All)}"));
        }

        if (lang is not null && !RecordValidator.IsLanguageTag(lang))
        {
            return Problems.InvalidQuery(new FieldError(null, "lang", "must be a BCP 47 language tag such as en, zh-CN or pt-BR"));
        }

        if (cursor is not null && !TranslationKeys.IsJobId(cursor))
        {
            return Problems.InvalidQuery(new FieldError(null, "cursor", "must be a next_cursor from an earlier page"));
        }

        if (limit is < 1 || limit > options.Value.MaxPageSize)
        {
            return Problems.InvalidQuery(new FieldError(null, "limit", $"must be between 1 and {options.Value.MaxPageSize}"));
        }

        var size = limit ?? options.Value.DefaultPageSize;
        var jobs = await queries.PageAsync(status, lang, cursor, size, cancellationToken);
        return TypedResults.Ok(new JobPage(jobs, jobs.Count == size ? jobs[^1].JobId : null));
    }

    public static async Task<Results<Accepted<JobRequeued>, ProblemHttpResult>> RetryAsync(
        string jobId, JobTransitions transitions, HttpContext context, ILogger<TranslationQueries> logger, CancellationToken cancellationToken)
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
    private static async Task<IResult?> RegisterAsync(Plan plan, StreamAppender appender, HttpContext context, IngestOptions limits, ILogger logger)
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
        catch (Exception ex) when (ex is RedisException or RedisTimeoutException or TimeoutException)
        {
            Log.AppendFailed(logger, PersistenceStreams.TranslationJobs, plan.Jobs.Count, ex);
            return Problems.AppendNotConfirmed(context, limits.RetryAfterSeconds, "request", ex);
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
