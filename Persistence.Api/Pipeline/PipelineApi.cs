using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Persistence.Api.Backpressure;
using Persistence.Api.Http;
using Persistence.Api.OpenApi;
using Persistence.Api.Streams;
using Persistence.Contracts;
using Persistence.Contracts.Pipeline;
using StackExchange.Redis;

namespace Persistence.Api.Pipeline;

/// <summary>The flush barrier and the pipeline statistics; both read only Redis, so every replica answers alike.</summary>
public static class PipelineApi
{
    public static RouteGroupBuilder MapPipelineApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup(ApiRoutes.Persistence.Prefix).WithTags("Pipeline");
        api.MapPost("/flush", FlushAsync)
            .WithName("flush")
            .RequiresScope(Scopes.Ingest)
            .AcceptsQuery(QueryParameters.TimeoutMs)
            .WithSummary("Wait until everything accepted so far is in MySQL")
            .WithDescription("The flush barrier: returns once every record accepted (202) before the call is committed or dead-lettered (the answer counts the records dead-lettered while it waited, and the dead letters stored), or 504 with what remains when timeout_ms runs out.")
            .DocumentsInvalidQuery()
            .DocumentsFlushTimeout();
        api.MapGet("/stats", GetStatsAsync)
            .WithName("getPipelineStats")
            .RequiresScope(Scopes.Admin)
            .AcceptsQuery()
            .WithSummary("Pipeline statistics")
            .WithDescription("Per stream: length, pending, lag, consumers, flushed and dead-lettered totals, the last flush; the dead-letter stream; this replica's backpressure.");
        return api;
    }

    public static async Task<Results<Ok<FlushResult>, ProblemHttpResult>> FlushAsync(
        HttpContext context, FlushBarrier barrier, IConnectionMultiplexer redis, IOptions<PipelineOptions> options,
        QueryReader query, ILogger<FlushBarrier> logger, CancellationToken cancellationToken)
    {
        var limits = options.Value;
        var timeoutMs = query.Number(QueryParameters.TimeoutMs, 1, limits.MaxFlushTimeoutMs);
        if (!query.IsValid)
        {
            return Problems.InvalidQuery(query.Errors);
        }

        FlushOutcome outcome;
        DeadLetterCount before, after;
        try
        {
            before = await DeadLetterCount.ReadAsync(redis.GetDatabase());
            outcome = await barrier.WaitAsync(TimeSpan.FromMilliseconds(timeoutMs ?? limits.DefaultFlushTimeoutMs), cancellationToken);
            after = await DeadLetterCount.ReadAsync(redis.GetDatabase());
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            Log.StreamStateFailed(logger, ex);
            return Problems.Unavailable(context, "The queue is unreachable; the flush state is unknown.");
        }

        var streams = outcome.Progress.ToDictionary(
            p => p.Stream,
            p => new FlushStreamState(outcome.Targets[p.Stream].ToString(), p.LastDeliveredId.ToString(), p.Pending, p.Lag));
        var waited = (long)outcome.Elapsed.TotalMilliseconds;
        if (outcome.Completed)
        {
            return TypedResults.Ok(new FlushResult("flushed", waited, streams, after.Recorded - before.Recorded, after.Stored));
        }

        Log.FlushTimedOut(logger, waited, outcome.Remaining);
        return TypedResults.Problem(
            statusCode: StatusCodes.Status504GatewayTimeout,
            title: "Flush not complete",
            detail: $"After {waited} ms up to {outcome.Remaining} accepted records were not yet committed to MySQL.",
            extensions: new Dictionary<string, object?>
            {
                ["remaining"] = outcome.Remaining,
                ["waited_ms"] = waited,
                ["streams"] = streams,
            });
    }

    public static async Task<Results<Ok<PipelineStats>, ProblemHttpResult>> GetStatsAsync(
        HttpContext context, IConnectionMultiplexer redis, StreamLayoutMonitor layout, BacklogMonitor backlog, ILogger<FlushBarrier> logger)
    {
        var database = redis.GetDatabase();
        try
        {
            var counters = (await database.HashGetAllAsync(PersistenceStreams.Stats))
                .ToDictionary(e => e.Name.ToString(), e => e.Value);
            var streams = new List<StreamStats>();
            foreach (var progress in await StreamProgress.ReadAllAsync(database, layout.DataStreams))
            {
                var stream = progress.Stream;
                streams.Add(new StreamStats(
                    stream,
                    progress.Length,
                    progress.Pending,
                    progress.Lag,
                    progress.Consumers,
                    progress.LastGeneratedId.ToString(),
                    progress.LastDeliveredId.ToString(),
                    Number(counters, PersistenceStreams.StatsFields.Flushed(stream)),
                    Number(counters, PersistenceStreams.StatsFields.DeadLettered(stream)),
                    counters.TryGetValue(PersistenceStreams.StatsFields.LastFlushAt(stream), out var at) ? at.ToString() : null,
                    counters.ContainsKey(PersistenceStreams.StatsFields.LastFlushMilliseconds(stream))
                        ? Number(counters, PersistenceStreams.StatsFields.LastFlushMilliseconds(stream))
                        : null));
            }

            var deadLetters = await database.StreamLengthAsync(PersistenceStreams.DeadLetters);
            var pressure = backlog.Current;
            return TypedResults.Ok(new PipelineStats(
                streams,
                new DeadLetterStats(PersistenceStreams.DeadLetters, deadLetters),
                new BackpressureStats(pressure.Backlog, Math.Round(pressure.MemoryRatio, 4), pressure.Shedding)));
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            Log.StreamStateFailed(logger, ex);
            return Problems.Unavailable(context, "The queue is unreachable.");
        }
    }

    private static long Number(Dictionary<string, RedisValue> counters, string field) =>
        counters.TryGetValue(field, out var value) ? StatsCounter.Parse(value) : 0;
}
