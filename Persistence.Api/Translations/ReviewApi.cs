using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Persistence.Api.Callers;
using Persistence.Api.Http;
using Persistence.Api.Ingest;
using Persistence.Api.OpenApi;
using Persistence.Api.Queries;
using Persistence.Contracts;
using Persistence.Contracts.Translations;
using Persistence.Maintenance.Audit;

namespace Persistence.Api.Translations;

/// <summary>
/// A reviewer's routes on one job (the gateway asks for the <c>review</c> scope): approve or reject a translated
/// job with an optional note, and re-queue a rejected one, optionally to another engine. Job ids never contain '/',
/// so these sit beside <c>/{job_id}/retry</c> without touching the business-id catch-all (which is GET only).
/// </summary>
public static class ReviewApi
{
    /// <summary>The actor of a change made without a key id (a call from inside the stack, not through the gateway).</summary>
    public const string UnknownActor = "internal";

    public static RouteGroupBuilder MapTranslationReviewApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup(ApiRoutes.Translation.Jobs).WithTags("Translations").AnswerUnavailableWhenDatabaseIsDown();
        api.MapPost("/{job_id}/approve", ([FromRoute(Name = "job_id")] string jobId, HttpRequest request, JobTransitions transitions, ILogger<JobTransitions> logger, CancellationToken cancellationToken) =>
            ReviewAsync(jobId, ReviewStatus.Approved, request, transitions, logger, cancellationToken))
            .WithName("approveTranslationJob")
            .RequiresScope(Scopes.Review)
            .AcceptsQuery()
            .Accepts<ReviewRequest>("application/json")
            .WithSummary("Approve a translated job")
            .WithDescription("Records the reviewer (the key id), the time and an optional note. Translation memory then prefers this text, and no automatic re-translation replaces it.")
            .DocumentsBody()
            .DocumentsNotFound()
            .DocumentsConflict();
        api.MapPost("/{job_id}/reject", ([FromRoute(Name = "job_id")] string jobId, HttpRequest request, JobTransitions transitions, ILogger<JobTransitions> logger, CancellationToken cancellationToken) =>
            ReviewAsync(jobId, ReviewStatus.Rejected, request, transitions, logger, cancellationToken))
            .WithName("rejectTranslationJob")
            .RequiresScope(Scopes.Review)
            .AcceptsQuery()
            .Accepts<ReviewRequest>("application/json")
            .WithSummary("Reject a translated job")
            .WithDescription("Records the reviewer, the time and an optional note, and takes the text out of translation memory. A rejected job can be re-queued.")
            .DocumentsBody()
            .DocumentsNotFound()
            .DocumentsConflict();
        api.MapPost("/{job_id}/requeue", RequeueAsync)
            .WithName("requeueTranslationJob")
            .RequiresScope(Scopes.Review)
            .AcceptsQuery()
            .Accepts<RequeueRequest>("application/json")
            .WithSummary("Re-queue a rejected or failed job")
            .WithDescription("Back to pending with fresh attempts, optionally for another engine (409 when no running worker can run it); the engine is asked afresh, without translation memory.")
            .DocumentsBody()
            .DocumentsNotFound()
            .DocumentsConflict();
        return api;
    }

    public static async Task<Results<Ok<JobReviewed>, ProblemHttpResult>> ReviewAsync(
        string jobId, string decision, HttpRequest request, JobTransitions transitions, ILogger<JobTransitions> logger, CancellationToken cancellationToken)
    {
        if (!TranslationKeys.IsJobId(jobId))
        {
            return Problems.NotFound($"No job '{jobId}': job ids are {TranslationKeys.JobIdLength} lowercase hexadecimal characters.");
        }

        var (body, problem) = await ReadOptionalAsync(request, HttpJsonContext.Default.ReviewRequest, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        if (body?.Note is { } note && (note.Length > JobEventLog.MaxDetailLength || RecordValidator.HasControlCharacters(note)))
        {
            return Problems.Invalid("The review is not valid.", [new FieldError(null, "note", $"must be at most {JobEventLog.MaxDetailLength} characters without control characters")]);
        }

        var actor = request.HttpContext.CallerKeyId() ?? UnknownActor;
        var outcome = decision == ReviewStatus.Approved
            ? await transitions.ApproveAsync(jobId, actor, body?.Note, cancellationToken)
            : await transitions.RejectAsync(jobId, actor, body?.Note, cancellationToken);
        if (outcome.Result == TransitionResult.Done)
        {
            TranslationLog.JobReviewed(logger, jobId, decision, actor);
            return TypedResults.Ok(new JobReviewed(jobId, outcome.Status!, decision, actor, body?.Note));
        }

        return Refusal(jobId, outcome);
    }

    public static async Task<Results<Accepted<JobRequeued>, ProblemHttpResult>> RequeueAsync(
        [FromRoute(Name = "job_id")] string jobId, HttpRequest request, JobTransitions transitions, EngineAvailability engines, ILogger<JobTransitions> logger,
        CancellationToken cancellationToken)
    {
        if (!TranslationKeys.IsJobId(jobId))
        {
            return Problems.NotFound($"No job '{jobId}': job ids are {TranslationKeys.JobIdLength} lowercase hexadecimal characters.");
        }

        var (body, problem) = await ReadOptionalAsync(request, HttpJsonContext.Default.RequeueRequest, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        if (body?.Engine is { } engine && !TranslationEngines.All.Contains(engine))
        {
            return Problems.Invalid("The re-queue is not valid.", [new FieldError(null, "engine", $"must be one of: {string.Join(", ", TranslationEngines.All)}")]);
        }

        if (body?.Engine is { } named && await engines.RefusalAsync(named) is { } refusal)
        {
            return Problems.Conflict(refusal);
        }

        var actor = request.HttpContext.CallerKeyId() ?? UnknownActor;
        var outcome = await transitions.RequeueAsync(jobId, actor, body?.Engine, cancellationToken);
        if (outcome.Result == TransitionResult.Done)
        {
            TranslationLog.RejectedJobRequeued(logger, jobId, actor, body?.Engine ?? "configured");
            return TypedResults.Accepted((string?)null, new JobRequeued("requeued", jobId));
        }

        return Refusal(jobId, outcome);
    }

    public static ProblemHttpResult Refusal(string jobId, TransitionOutcome outcome) =>
        outcome.Result == TransitionResult.Missing
            ? Problems.NotFound($"No job '{jobId}'.")
            : Problems.Conflict($"Job '{jobId}' is {outcome.Status}{(outcome.ReviewStatus is null ? "" : $" ({outcome.ReviewStatus})")}: {outcome.Reason}.");

    /// <summary>A JSON body when there is one; these routes work without a body too.</summary>
    public static async Task<(T? Body, ProblemHttpResult? Problem)> ReadOptionalAsync<T>(
        HttpRequest request, JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken)
        where T : class
    {
        if (request.ContentLength == 0 || (request.ContentLength is null && request.Headers.TransferEncoding.Count == 0))
        {
            return (null, null);
        }

        if (!request.HasJsonContentType())
        {
            return (null, Problems.Invalid("The body must be JSON (Content-Type: application/json).", [new FieldError(null, "body", "must be application/json")]));
        }

        try
        {
            return (await JsonSerializer.DeserializeAsync(request.Body, typeInfo, cancellationToken), null);
        }
        catch (JsonException ex)
        {
            return (null, Problems.Invalid("The body is not valid JSON for this route.", [new FieldError(null, ex.Path is { Length: > 2 } path ? path[2..] : "body", ex.Message)]));
        }
    }
}
