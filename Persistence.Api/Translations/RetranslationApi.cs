using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Persistence.Api.Callers;
using Persistence.Api.Http;
using Persistence.Api.Ingest;
using Persistence.Api.OpenApi;
using Persistence.Api.Queries;
using Persistence.Contracts;
using Persistence.Contracts.Translations;

namespace Persistence.Api.Translations;

/// <summary>
/// <c>POST /api/v1/translation/jobs/retranslate</c>: the newest job of a business id (per language, or only the
/// languages named) goes to the engine again even when memory has the text. The business id is in the body, so ids
/// with '/' need no care in the path.
/// </summary>
public static class RetranslationApi
{
    public static RouteGroupBuilder MapRetranslationApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup(ApiRoutes.Translation.Jobs).WithTags("Translations").AnswerUnavailableWhenDatabaseIsDown();
        api.MapPost("/retranslate", RetranslateAsync)
            .WithName("retranslate")
            .RequiresScope(Scopes.Admin)
            .AcceptsQuery()
            .Accepts<RetranslateRequest>("application/json")
            .WithSummary("Translate a business id again")
            .WithDescription("The newest job of the business id, per language or only the languages named, goes to the engine again even when memory has the text. Approved jobs are skipped and reported.")
            .DocumentsBody()
            .DocumentsNotFound();
        return api;
    }

    public static async Task<Results<Accepted<RetranslationAccepted>, ProblemHttpResult>> RetranslateAsync(
        HttpRequest request, TranslationQueries queries, JobTransitions transitions, ILogger<JobTransitions> logger, CancellationToken cancellationToken)
    {
        var (body, problem) = await ReviewApi.ReadOptionalAsync(request, HttpJsonContext.Default.RetranslateRequest, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        var errors = new List<FieldError>();
        if (string.IsNullOrEmpty(body?.BusinessId))
        {
            errors.Add(new(null, "business_id", "is required"));
        }

        var langs = body?.TargetLangs ?? [];
        for (var i = 0; i < langs.Count; i++)
        {
            if (langs[i] is not { } lang || !RecordValidator.IsLanguageTag(lang))
            {
                errors.Add(new(i, "target_langs", "must be a BCP 47 language tag such as en, zh-CN or pt-BR"));
            }
        }

        if (errors.Count > 0)
        {
            return Problems.Invalid($"{errors.Count} problem(s) in the request; nothing was re-queued.", errors);
        }

        var businessId = body!.BusinessId!;
        var newest = await queries.ByBusinessIdAsync(businessId, null, cancellationToken);
        var wanted = langs.Count == 0 ? newest : [.. newest.Where(j => langs.Contains(j.TargetLang, StringComparer.Ordinal))];
        if (wanted.Count == 0)
        {
            return Problems.NotFound(langs.Count == 0
                ? $"No translation is registered for business id '{businessId}' (or it is still on its way from the queue)."
                : $"No translation into {string.Join(", ", langs)} is registered for business id '{businessId}'.");
        }

        var actor = request.HttpContext.CallerKeyId() ?? ReviewApi.UnknownActor;
        var outcome = await transitions.RetranslateAsync([.. wanted.Select(j => j.JobId)], actor, cancellationToken);
        TranslationLog.Retranslated(logger, businessId, actor, outcome.Requeued.Count, outcome.Skipped.Count);
        return TypedResults.Accepted((string?)null, new RetranslationAccepted("accepted", businessId, outcome.Requeued, outcome.Skipped));
    }
}
