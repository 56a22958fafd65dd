using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Persistence.Api.Queries;

namespace Persistence.Api.Translations;

/// <summary>
/// <c>GET /api/v1/translation-history/{business_id}</c>. Business ids may contain '/', so the id is the whole rest
/// of the path, as on the state route; the trail therefore lives under a root of its own rather than at
/// <c>/translations/{id}/history</c>, which could not tell the history of <c>a</c> from the state of <c>a/history</c>.
/// </summary>
public static class HistoryApi
{
    public const string RoutePrefix = "/api/v1/translation-history";

    private const string CursorKind = "h1";

    public static RouteGroupBuilder MapTranslationHistoryApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup(RoutePrefix).WithTags("Translations").AnswerUnavailableWhenDatabaseIsDown();
        api.MapGet("/{**businessId}", GetAsync);
        return api;
    }

    public static async Task<Results<Ok<HistoryPage>, ProblemHttpResult>> GetAsync(
        string? businessId, HttpRequest request, HistoryQueries queries, IOptions<TranslationOptions> options, CancellationToken cancellationToken)
    {
        var query = new LifecycleQuery(request.Query, LifecycleQuery.Lang, LifecycleQuery.PageSize, LifecycleQuery.Cursor);
        var lang = query.Language();
        var size = query.PageSizeOr(options.Value.DefaultPageSize, options.Value.MaxPageSize);
        long after = 0;
        if (query.CursorOf(CursorKind) is { } position && !long.TryParse(position, NumberStyles.None, CultureInfo.InvariantCulture, out after))
        {
            query.Errors.Add(new(null, LifecycleQuery.Cursor, "is not a cursor this endpoint issued; pass next_cursor unchanged"));
        }

        if (query.Errors.Count > 0)
        {
            return Problems.InvalidQuery(query.Errors);
        }

        if (string.IsNullOrEmpty(businessId))
        {
            return Problems.NotFound("Name a business id: /api/v1/translation-history/{business_id}.");
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
