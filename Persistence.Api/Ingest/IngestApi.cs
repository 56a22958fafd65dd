using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Persistence.Api.Backpressure;
using Persistence.Api.Callers;
using Persistence.Api.Http;
using Persistence.Api.OpenApi;
using Persistence.Api.Streams;
using Persistence.Contracts;
using Persistence.Contracts.Ingest;
using StackExchange.Redis;

namespace Persistence.Api.Ingest;

public static class IngestApi
{
    public static RouteGroupBuilder MapIngestApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup(ApiRoutes.Persistence.Prefix).WithTags("Ingest").RequiresScope(Scopes.Ingest);
        const string Description = "All or nothing: one invalid record refuses the batch, and the 400 lists every problem with its item index. 202 once the queue holds the batch; the states reach MySQL shortly after (see the flush barrier). Resending a batch is harmless: the newest updated_at wins. Charged by its records against the key's record limit.";

        api.MapPost("/sessions/batch", AcceptSessionsAsync)
            .WithName("acceptSessionBatch")
            .AcceptsQuery()
            .Accepts<SessionBatch>("application/json")
            .WithSummary("Accept a batch of session states")
            .WithDescription(Description + $" Also at POST {ApiRoutes.Translation.SessionsBatch}.")
            .DocumentsBody();
        api.MapPost("/tasks/batch", AcceptTasksAsync)
            .WithName("acceptTaskBatch")
            .AcceptsQuery()
            .Accepts<TaskBatch>("application/json")
            .WithSummary("Accept a batch of task states")
            .WithDescription(Description + $" Also at POST {ApiRoutes.Translation.TasksBatch}.")
            .DocumentsBody();

        // The architecture's write timeline names these beside the reads; back ends are written against both spellings.
        var seed = app.MapGroup(ApiRoutes.Translation.Prefix).RequiresScope(Scopes.Ingest);
        seed.MapPost("/sessions/batch", AcceptSessionsAsync).AcceptsQuery().SameOperationAs(ApiRoutes.Persistence.SessionsBatch);
        seed.MapPost("/tasks/batch", AcceptTasksAsync).AcceptsQuery().SameOperationAs(ApiRoutes.Persistence.TasksBatch);

        return api;
    }

    public static Task<Results<Accepted<AcceptedBatch>, ProblemHttpResult>> AcceptSessionsAsync([AsParameters] BatchIntake intake) =>
        AcceptAsync(
            intake, IngestJson.Strict.SessionBatch, batch => batch.Sessions, "sessions",
            intake.Validator.Validate, PersistenceStreams.Sessions, r => r.SessionId);

    public static Task<Results<Accepted<AcceptedBatch>, ProblemHttpResult>> AcceptTasksAsync([AsParameters] BatchIntake intake) =>
        AcceptAsync(
            intake, IngestJson.Strict.TaskBatch, batch => batch.Tasks, "tasks",
            intake.Validator.Validate, PersistenceStreams.Tasks, r => r.TaskId);

    private static async Task<Results<Accepted<AcceptedBatch>, ProblemHttpResult>> AcceptAsync<TBatch, TRecord>(
        BatchIntake intake,
        JsonTypeInfo<TBatch> batchType,
        Func<TBatch, IReadOnlyList<TRecord?>?> itemsOf,
        string itemsField,
        Func<IReadOnlyList<TRecord?>, IReadOnlyList<FieldError>> validate,
        string stream,
        Func<TRecord, string?> recordId)
        where TBatch : class
        where TRecord : class
    {
        var (request, _, appender, layout, backlog, ingestOptions, logger, cancellationToken) = intake;
        var options = ingestOptions.Value;
        // Refused before the body is read: while shedding, every accepted byte would deepen the backlog.
        if (backlog.Refusal(request.HttpContext, "batch") is { } refusal)
        {
            return refusal;
        }

        var read = await BatchReader.ReadWithItemsAsync(request, batchType, itemsField, options.MaxBodyBytes, options.MaxBatchItems, cancellationToken);
        if (read.IsTooLarge)
        {
            return Problems.TooLarge(read.Error!.Message);
        }

        if (read.Error is { } error)
        {
            return Problems.Invalid("The body is not a valid batch.", [error]);
        }

        var items = itemsOf(read.Batch!);
        if (items is null)
        {
            return Problems.Invalid("The body is not a valid batch.", [new FieldError(null, itemsField, "is required")]);
        }

        var errors = validate(items);
        if (errors.Count > 0)
        {
            return Problems.Invalid($"{errors.Count} problem(s) in the batch; nothing of it was accepted.", errors);
        }

        // Checked after validation, so a client learns of a bad batch at once, not after the switch.
        if (layout.Current is not { Switching: false } current)
        {
            return Problems.Unavailable(request.HttpContext, $"The stream layout is {layout.Current?.ToString() ?? "not yet known"}; nothing of the batch was accepted. Retry the same batch.");
        }

        try
        {
            await appender.AppendAsync(StreamBatch.Sharded(current.Active, stream, items, recordId, read.Items!), request.HttpContext.CallerKeyId());
        }
        catch (StreamSealedException ex)
        {
            // This replica's view of the layout is up to one poll old; the seal caught it.
            Log.AppendFailed(logger, ex.Stream, items.Count, ex);
            return Problems.Unavailable(request.HttpContext, "The stream is sealed (a shard layout switch or a restore is under way); nothing of the batch was accepted. Retry the same batch.");
        }
        catch (DurabilityTimeoutException ex)
        {
            Log.DurabilityNotConfirmed(logger, stream, items.Count, ex);
            return Problems.AppendNotConfirmed(request.HttpContext, "batch", ex);
        }
        catch (Exception ex) when (ex is RedisException or RedisTimeoutException or TimeoutException)
        {
            Log.AppendFailed(logger, stream, items.Count, ex);
            return Problems.AppendNotConfirmed(request.HttpContext, "batch", ex);
        }

        Log.Accepted(logger, stream, items.Count);
        return TypedResults.Accepted((string?)null, new AcceptedBatch("accepted", items.Count));
    }
}
