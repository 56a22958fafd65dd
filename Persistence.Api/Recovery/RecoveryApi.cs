using System.Data;
using System.Data.Common;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Persistence.Api.Callers;
using Persistence.Api.Http;
using Persistence.Api.Ingest;
using Persistence.Api.OpenApi;
using Persistence.Api.Queries;
using Persistence.Contracts;
using Persistence.Contracts.Queries;

namespace Persistence.Api.Recovery;

/// <summary>What a restarted translation back end needs to resume: its unfinished sessions, then each one whole.</summary>
public static class RecoveryApi
{
    public static RouteGroupBuilder MapRecoveryApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup(ApiRoutes.Translation.Recovery).WithTags("Recovery").RequiresScope(Scopes.Read).AnswerUnavailableWhenDatabaseIsDown();
        api.MapGet("/incomplete-sessions", ListIncompleteSessionsAsync)
            .WithName("listIncompleteSessions")
            .AcceptsQuery(ReadRequests.RecoveryListParameters)
            .WithSummary("Unfinished sessions")
            .WithDescription("Sessions in pending, processing or paused, newest first, paged by cursor.")
            .DocumentsInvalidQuery();
        api.MapPost("/restore/{session_id}", RestoreAsync)
            .WithName("restoreSession")
            .AcceptsQuery(ReadRequests.SingleReadParameters)
            .WithSummary("Restore one session")
            .WithDescription("The session and every unfinished task of it from one consistent snapshot, streamed as JSON while it is read. A replica streams a bounded number of restores at once; past that it answers 503 with Retry-After.")
            .Produces<RestorePackageDocument>(StatusCodes.Status200OK, "application/json")
            .DocumentsInvalidQuery()
            .DocumentsNotFound();
        return api;
    }

    /// <summary>Sessions in pending, processing or paused, newest first, by cursor.</summary>
    public static async Task<Results<Ok<ResultPage<SessionSummary>>, ProblemHttpResult>> ListIncompleteSessionsAsync(
        HttpContext context, SessionQueries sessions, ReadConsistency consistency, IOptions<QueryOptions> options, CancellationToken cancellationToken)
    {
        var errors = new List<FieldError>();
        if (ReadRequests.ParseRecoveryList(context.Request.Query, options.Value, errors) is not { } request)
        {
            return Problems.InvalidQuery(errors);
        }

        var check = await consistency.PrepareAsync(context, request.Consistency, cancellationToken);
        return check.Problem is { } problem ? problem : TypedResults.Ok(await sessions.ListAsync(request, cancellationToken));
    }

    /// <summary>
    /// The session and every unfinished task of it, streamed as they are read. Both come from one consistent
    /// snapshot, so the tasks match the session state in the package; a replica streams at most
    /// <see cref="RecoveryOptions.MaxConcurrentRestores"/> at once, each for at most
    /// <see cref="RecoveryOptions.MaxRestoreSeconds"/>, so slow clients cannot pin connections and snapshots for good.
    /// </summary>
    public static async Task<Results<PushStreamHttpResult, ProblemHttpResult>> RestoreAsync(
        HttpContext context, [Microsoft.AspNetCore.Mvc.FromRoute(Name = "session_id")] string sessionId, DbDataSource dataSource,
        ReadConsistency consistency, RestoreSlots slots, IOptions<RecoveryOptions> options,
        TimeProvider time, ILogger<RestorePackage> logger, CancellationToken cancellationToken)
    {
        var errors = new List<FieldError>();
        if (ReadRequests.ParseSingleRead(context.Request.Query, errors) is not { } level)
        {
            return Problems.InvalidQuery(errors);
        }

        // The consistency wait comes first and holds no slot: a slot is for the read and the transfer alone.
        var check = await consistency.PrepareAsync(context, level, cancellationToken);
        if (check.Problem is { } problem)
        {
            return problem;
        }

        if (slots.TryTake(context.CallerKeyId(), out var keyShareFull) is not { } slot)
        {
            return Problems.Unavailable(context, keyShareFull
                ? $"This API key is streaming {slots.PerKeyLimit} restores from this replica already; retry later."
                : $"This replica is streaming {slots.Limit} restores already; retry later.");
        }

        DbConnection? connection = null;
        try
        {
            connection = await dataSource.OpenConnectionAsync(cancellationToken);
            var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken);
            var session = await SessionQueries.ReadDetailAsync(connection, transaction, sessionId, cancellationToken);
            if (session is null)
            {
                await connection.DisposeAsync();
                slot.Dispose();
                return Problems.NotFound($"No session '{sessionId}'.");
            }

            var package = new RestorePackage(connection, transaction, session, level, check.Position, time.GetUtcNow(), logger);
            var limit = TimeSpan.FromSeconds(options.Value.MaxRestoreSeconds);
            return TypedResults.Stream(
                async body =>
                {
                    using (slot)
                    {
                        await package.WriteAsync(body, limit, time, context.RequestAborted);
                    }
                },
                "application/json");
        }
        catch
        {
            if (connection is not null)
            {
                await connection.DisposeAsync();
            }

            slot.Dispose();
            throw;
        }
    }
}
