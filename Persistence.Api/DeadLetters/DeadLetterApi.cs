using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Persistence.Api.Backpressure;
using Persistence.Api.Http;
using Persistence.Api.Ingest;
using Persistence.Api.OpenApi;
using Persistence.Api.Queries;
using Persistence.Contracts;
using Persistence.Contracts.DeadLetters;
using StackExchange.Redis;

namespace Persistence.Api.DeadLetters;

/// <summary>Inspect, replay and discard dead letters (admin scope at the gateway).</summary>
public static class DeadLetterApi
{
    public static RouteGroupBuilder MapDeadLetterApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup(ApiRoutes.Persistence.DeadLetters).WithTags("Dead letters").RequiresScope(Scopes.Admin);
        api.MapGet("/", ListAsync)
            .WithName("listDeadLetters")
            .AcceptsQuery(ReadRequests.PageSize, ReadRequests.Cursor)
            .WithSummary("List dead letters")
            .WithDescription("Oldest first, paged by cursor.")
            .DocumentsInvalidQuery();
        api.MapGet("/{id}", GetAsync)
            .WithName("getDeadLetter")
            .AcceptsQuery()
            .WithSummary("One dead letter")
            .DocumentsInvalidQuery()
            .DocumentsNotFound();
        api.MapPost("/{id}/replay", ReplayAsync)
            .WithName("replayDeadLetter")
            .AcceptsQuery()
            .WithSummary("Replay one dead letter into its stream")
            .DocumentsInvalidQuery()
            .DocumentsNotFound();
        api.MapPost("/replay-all", ReplayAllAsync)
            .WithName("replayAllDeadLetters")
            .AcceptsQuery()
            .WithSummary("Replay every dead letter");
        api.MapDelete("/{id}", DeleteAsync)
            .WithName("deleteDeadLetter")
            .AcceptsQuery()
            .WithSummary("Discard one dead letter")
            .DocumentsInvalidQuery()
            .DocumentsNotFound();
        return api;
    }

    public static async Task<Results<Ok<DeadLetterPage>, ProblemHttpResult>> ListAsync(
        DeadLetterStore store, QueryReader query)
    {
        var pageSize = query.PageSize(PageSizes.DeadLetters.Default, PageSizes.DeadLetters.Max);
        StreamId? after = null;
        if (query.Text(QueryParameters.Cursor) is { } cursor)
        {
            if (StreamId.TryParse(cursor, out var parsed))
            {
                after = parsed;
            }
            else
            {
                query.Errors.Add(new(null, QueryParameters.Cursor, "must be a next_cursor from an earlier page"));
            }
        }

        return query.IsValid ? TypedResults.Ok(await store.ListAsync(after, pageSize)) : Problems.InvalidQuery(query.Errors);
    }

    public static async Task<Results<Ok<DeadLetter>, ProblemHttpResult>> GetAsync(DeadLetterStore store, string id)
    {
        if (!StreamId.TryParse(id, out var streamId))
        {
            return Problem("id", "must be a stream entry id such as 1700000000000-0");
        }

        return await store.GetAsync(streamId) is { } letter ? TypedResults.Ok(letter) : NotFound(id);
    }

    public static async Task<Results<Ok<ReplayResult>, ProblemHttpResult>> ReplayAsync(
        DeadLetterStore store, string id, HttpContext context, BacklogMonitor backlog)
    {
        if (!StreamId.TryParse(id, out var streamId))
        {
            return Problem("id", "must be a stream entry id such as 1700000000000-0");
        }

        // A replay appends to a data stream like ingest does, so it waits for the backlog like ingest.
        if (backlog.Refusal(context, "replay") is { } refusal)
        {
            return refusal;
        }

        try
        {
            return await store.ReplayAsync(streamId) ? TypedResults.Ok(new ReplayResult("replayed", 1, 0)) : NotFound(id);
        }
        catch (StreamSealedException)
        {
            return Sealed(context, "The dead letter stays where it is.");
        }
    }

    public static async Task<Results<Ok<ReplayResult>, ProblemHttpResult>> ReplayAllAsync(
        DeadLetterStore store, HttpContext context, BacklogMonitor backlog, CancellationToken cancellationToken)
    {
        if (backlog.Refusal(context, "replay") is { } refusal)
        {
            return refusal;
        }

        try
        {
            return TypedResults.Ok(await store.ReplayAllAsync(cancellationToken));
        }
        catch (StreamSealedException)
        {
            return Sealed(context, "Those replayed before it are back in their streams; the rest stay dead letters.");
        }
    }

    /// <summary>
    /// A shard switch or a restore has sealed the stream a dead letter goes back to: a wait, not a server error.
    /// </summary>
    private static ProblemHttpResult Sealed(HttpContext context, string outcome) =>
        Problems.Unavailable(context,
            $"The stream the record goes back to is sealed (a shard layout switch or a restore is under way). {outcome} Retry the replay later.");

    public static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(DeadLetterStore store, string id)
    {
        if (!StreamId.TryParse(id, out var streamId))
        {
            return Problem("id", "must be a stream entry id such as 1700000000000-0");
        }

        return await store.DeleteAsync(streamId) ? TypedResults.NoContent() : NotFound(id);
    }

    private static ProblemHttpResult Problem(string parameter, string message) =>
        Problems.InvalidQuery(new FieldError(null, parameter, message));

    private static ProblemHttpResult NotFound(string id) => Problems.NotFound($"There is no dead letter {id}.");
}
