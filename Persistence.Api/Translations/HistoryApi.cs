using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Persistence.Api.Http;
using Persistence.Api.OpenApi;
using Persistence.Api.Queries;
using Persistence.Contracts;
using Persistence.Contracts.Translations;

namespace Persistence.Api.Translations;

/// <summary>
/// <c>GET /api/v1/translation/history/{business_id}</c>. Business ids may contain '/', so the id is the whole rest
/// of the path, as on the state route; the trail therefore lives under a root of its own rather than at
/// <c>/translations/{id}/history</c>, which could not tell the history of <c>a</c> from the state of <c>a/history</c>.
/// </summary>
public static class HistoryApi
{
    private const string CursorKind = "h1";

    public static RouteGroupBuilder MapTranslationHistoryApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup(ApiRoutes.Translation.History).WithTags("Translations").AnswerUnavailableWhenDatabaseIsDown();
        // Its own prefix, not /jobs/by-business-id/{id}/history: business ids may contain '/', so "a/history" could
        // name either the history of "a" or the jobs of "a/history".
        api.MapGet("/{**business_id}", GetAsync)
            .WithName("getTranslationHistory")
            .RequiresScope(Scopes.Read)
            .AcceptsQuery(QueryParameters.TargetLang, QueryParameters.PageSize, QueryParameters.Cursor)
            .WithSummary("The audit trail of a business id")
            .WithDescription("Every state change of its jobs (requested, claimed, translated, failed, retried, approved, rejected, re-queued) with actor, time and old and new status, oldest first, keyset-paged.")
            .DocumentsInvalidQuery();
        return api;
    }

    public static async Task<Results<Ok<HistoryPage>, ProblemHttpResult>> GetAsync(
        [FromRoute(Name = "business_id")] string? businessId, QueryReader query, HistoryQueries queries, IOptions<TranslationOptions> options, CancellationToken cancellationToken)
    {
        var lang = query.Language(QueryParameters.TargetLang);
        var size = query.PageSize(options.Value.DefaultPageSize, options.Value.MaxPageSize);
        long after = 0;
        if (LifecycleCursor.Read(query, CursorKind) is { } position && !long.TryParse(position, NumberStyles.None, CultureInfo.InvariantCulture, out after))
        {
            query.Errors.Add(new(null, QueryParameters.Cursor, "is not a cursor this endpoint issued; pass next_cursor unchanged"));
        }

        if (!query.IsValid)
        {
            return Problems.InvalidQuery(query.Errors);
        }

        if (string.IsNullOrEmpty(businessId))
        {
            return Problems.NotFound($"Name a business id: {ApiRoutes.Translation.History}/{{business_id}}.");
        }

        var entries = await queries.PageAsync(businessId, lang, after, size, cancellationToken);
        if (entries.Count == 0 && after == 0 && !await queries.HasJobsAsync(businessId, cancellationToken))
        {
            return Problems.NotFound($"No translation is registered for business id '{businessId}' (or it is still on its way from the queue).");
        }

        var next = entries.Count == size ? LifecycleCursor.Encode(CursorKind, entries[^1].EventId) : null;
        return TypedResults.Ok(new HistoryPage(businessId, entries, next));
    }
}
