using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Persistence.Api.Backpressure;
using Persistence.Api.Callers;
using Persistence.Contracts;
using StackExchange.Redis;

namespace Persistence.Api.Ingest;

public static class IngestApi
{
    public const string RoutePrefix = "/api/v1/persistence";

    public static RouteGroupBuilder MapIngestApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup(RoutePrefix).WithTags("Ingest");

        api.MapPost("/sessions/batch", AcceptSessionsAsync)
            .Accepts<SessionBatch>("application/json")
            .ProducesValidationProblem();
        api.MapPost("/tasks/batch", AcceptTasksAsync)
            .Accepts<TaskBatch>("application/json")
            .ProducesValidationProblem();

        return api;
    }

    public static Task<IResult> AcceptSessionsAsync(
        HttpRequest request, RecordValidator validator, StreamAppender appender, BacklogMonitor backlog, IOptions<IngestOptions> options,
        ILogger<StreamAppender> logger, CancellationToken cancellationToken) =>
        AcceptAsync(
            request, PersistenceJsonContext.Default.SessionBatch, batch => batch.Sessions, "sessions",
            validator.Validate, PersistenceStreams.Sessions, PersistenceJsonContext.Default.SessionRecord,
            appender, backlog, options.Value, logger, cancellationToken);

    public static Task<IResult> AcceptTasksAsync(
        HttpRequest request, RecordValidator validator, StreamAppender appender, BacklogMonitor backlog, IOptions<IngestOptions> options,
        ILogger<StreamAppender> logger, CancellationToken cancellationToken) =>
        AcceptAsync(
            request, PersistenceJsonContext.Default.TaskBatch, batch => batch.Tasks, "tasks",
            validator.Validate, PersistenceStreams.Tasks, PersistenceJsonContext.Default.TaskRecord,
            appender, backlog, options.Value, logger, cancellationToken);

    private static async Task<IResult> AcceptAsync<TBatch, TRecord>(
        HttpRequest request,
        JsonTypeInfo<TBatch> batchType,
        Func<TBatch, IReadOnlyList<TRecord?>?> itemsOf,
        string itemsField,
        Func<IReadOnlyList<TRecord?>, IReadOnlyList<FieldError>> validate,
        string stream,
        JsonTypeInfo<TRecord> recordType,
        StreamAppender appender,
        BacklogMonitor backlog,
        IngestOptions options,
        ILogger logger,
        CancellationToken cancellationToken)
        where TBatch : class
        where TRecord : class
    {
        // Refused before the body is read: while shedding, every accepted byte would deepen the backlog.
        if (backlog.Refusal(request.HttpContext, options.RetryAfterSeconds, "batch") is { } refusal)
        {
            return refusal;
        }

        var read = await BatchReader.ReadAsync(request, batchType, options.MaxBodyBytes, options.MaxBatchItems, cancellationToken);
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

        try
        {
            await appender.AppendAsync(stream, items, recordType, request.HttpContext.CallerKeyId());
        }
        catch (DurabilityTimeoutException ex)
        {
            Log.DurabilityNotConfirmed(logger, stream, items.Count, ex);
            return Problems.AppendNotConfirmed(request.HttpContext, options.RetryAfterSeconds, "batch", ex);
        }
        catch (Exception ex) when (ex is RedisException or RedisTimeoutException or TimeoutException)
        {
            Log.AppendFailed(logger, stream, items.Count, ex);
            return Problems.AppendNotConfirmed(request.HttpContext, options.RetryAfterSeconds, "batch", ex);
        }

        Log.Accepted(logger, stream, items.Count);
        return TypedResults.Accepted((string?)null, new AcceptedBatch("accepted", items.Count));
    }
}

public sealed record AcceptedBatch(string Status, int Count);
