using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Persistence.Api.Ingest;
using Persistence.Contracts;
using StackExchange.Redis;

namespace Persistence.Api.DeadLetters;

/// <summary>Inspect, replay and discard dead letters (admin scope at the gateway).</summary>
public static class DeadLetterApi
{
    public const int MaxPageSize = 500;

    public static RouteGroupBuilder MapDeadLetterApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup(IngestApi.RoutePrefix + "/dead-letters").WithTags("Dead letters");
        api.MapGet("/", ListAsync);
        api.MapGet("/{id}", GetAsync);
        api.MapPost("/{id}/replay", ReplayAsync);
        api.MapPost("/replay-all", ReplayAllAsync);
        api.MapDelete("/{id}", DeleteAsync);
        return api;
    }

    public static async Task<Results<Ok<DeadLetterPage>, ProblemHttpResult>> ListAsync(
        DeadLetterStore store, [FromQuery(Name = "page_size")] int? pageSize = null, string? cursor = null)
    {
        if (pageSize is < 1 or > MaxPageSize)
        {
            return Problem("page_size", $"must be between 1 and {MaxPageSize}");
        }

        StreamId? after = null;
        if (cursor is not null)
        {
            if (!StreamId.TryParse(cursor, out var parsed))
            {
                return Problem("cursor", "must be a next_cursor from an earlier page");
            }

            after = parsed;
        }

        return TypedResults.Ok(await store.ListAsync(after, pageSize ?? 50));
    }

    public static async Task<Results<Ok<DeadLetter>, ProblemHttpResult>> GetAsync(DeadLetterStore store, string id)
    {
        if (!StreamId.TryParse(id, out var streamId))
        {
            return Problem("id", "must be a stream entry id such as 1700000000000-0");
        }

        return await store.GetAsync(streamId) is { } letter ? TypedResults.Ok(letter) : NotFound(id);
    }

    public static async Task<Results<Ok<ReplayResult>, ProblemHttpResult>> ReplayAsync(DeadLetterStore store, string id)
    {
        if (!StreamId.TryParse(id, out var streamId))
        {
            return Problem("id", "must be a stream entry id such as 1700000000000-0");
        }

        return await store.ReplayAsync(streamId) ? TypedResults.Ok(new ReplayResult("replayed", 1, 0)) : NotFound(id);
    }

    public static async Task<Ok<ReplayResult>> ReplayAllAsync(DeadLetterStore store, CancellationToken cancellationToken) =>
        TypedResults.Ok(await store.ReplayAllAsync(cancellationToken));

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
