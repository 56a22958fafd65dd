using System.Globalization;
using Microsoft.Extensions.Options;
using Persistence.Api.Ingest;
using Persistence.Api.Pipeline;
using Persistence.Api.Streams;
using Persistence.Contracts;
using StackExchange.Redis;

namespace Persistence.Api.Queries;

/// <summary>
/// What a read may miss, and the wait that makes it miss nothing. Reads come from the database, which trails the accepted
/// records by whatever the workers have not committed yet. Eventual reads say how far behind that is; strong reads
/// first wait on the flush barrier, so every record accepted (202) before the read is in the answer.
/// </summary>
public sealed class ReadConsistency(
    IConnectionMultiplexer redis,
    StreamLayoutMonitor layout,
    FlushBarrier barrier,
    TimeProvider time,
    IOptions<PipelineOptions> pipeline,
    ILogger<ReadConsistency> logger)
{
    public const string ConsistencyHeader = "X-Consistency";
    public const string LagEntriesHeader = "X-Flush-Lag-Entries";
    public const string LagMillisecondsHeader = "X-Flush-Lag-Ms";

    /// <summary>
    /// Waits if asked to, then measures where the flush stands and states it in the response headers. Measured
    /// before the read, so the read reflects at least that position. Returns a problem to answer instead (503 when
    /// a strong read cannot reach Redis, 504 when the barrier times out).
    /// </summary>
    public async Task<ConsistencyCheck> PrepareAsync(HttpContext context, Consistency consistency, CancellationToken cancellationToken)
    {
        var headers = context.Response.Headers;
        headers[ConsistencyHeader] = consistency == Consistency.Strong ? "strong" : "eventual";
        if (consistency == Consistency.Strong)
        {
            FlushOutcome outcome;
            try
            {
                outcome = await barrier.WaitAsync(TimeSpan.FromMilliseconds(pipeline.Value.DefaultFlushTimeoutMs), cancellationToken);
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                Log.StreamStateFailed(logger, ex);
                return new(Problems.Unavailable(context, "The queue is unreachable, so a strong read cannot know what it must wait for."), null);
            }

            if (!outcome.Completed)
            {
                var waited = (long)outcome.Elapsed.TotalMilliseconds;
                return new(TypedResults.Problem(
                    statusCode: StatusCodes.Status504GatewayTimeout,
                    title: "Flush not complete",
                    detail: $"After {waited} ms up to {outcome.Remaining} accepted records were not yet committed; read with consistency=eventual or retry.",
                    extensions: new Dictionary<string, object?> { ["remaining"] = outcome.Remaining, ["waited_ms"] = waited }), null);
            }
        }

        IReadOnlyList<FlushPosition> position;
        try
        {
            position = await MeasureAsync();
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            // The database still answers; only the statement of how current the answer is goes missing.
            Log.StreamStateFailed(logger, ex);
            return new(null, null);
        }

        if (position.All(p => p.UncommittedEntries is not null))
        {
            headers[LagEntriesHeader] = position.Sum(p => p.UncommittedEntries!.Value).ToString(CultureInfo.InvariantCulture);
        }

        headers[LagMillisecondsHeader] = position.Max(p => p.LagMilliseconds).ToString(CultureInfo.InvariantCulture);
        return new(null, position);
    }

    private async Task<IReadOnlyList<FlushPosition>> MeasureAsync()
    {
        var database = redis.GetDatabase();
        var now = (ulong)time.GetUtcNow().ToUnixTimeMilliseconds();
        var result = new List<FlushPosition>();
        foreach (var progress in await StreamProgress.ReadAllAsync(database, layout.DataStreams))
        {
            var stream = progress.Stream;
            var oldest = await OldestUncommittedAsync(database, progress);
            // Entry ids start with Redis's clock in milliseconds, which on one host is the API's clock too.
            var lag = oldest is { } id && now > id.Milliseconds ? (long)(now - id.Milliseconds) : 0;
            result.Add(new FlushPosition(
                stream,
                progress.LastGeneratedId.ToString(),
                progress.Uncommitted,
                oldest?.ToString(),
                lag));
        }

        return result;
    }

    /// <summary>
    /// Entries are acknowledged only after their commit, so the oldest uncommitted entry is the lowest pending one,
    /// or failing that the first entry not yet delivered.
    /// </summary>
    private static async Task<StreamId?> OldestUncommittedAsync(IDatabaseAsync database, StreamProgress progress)
    {
        if (progress.Pending > 0 && progress.LowestPendingId is { } lowest)
        {
            return lowest;
        }

        if (progress.Lag == 0 || progress.Length == 0)
        {
            return null;
        }

        var next = await database.StreamRangeAsync(progress.Stream, minId: "(" + progress.LastDeliveredId, maxId: "+", count: 1);
        return next.Length > 0 && StreamId.TryParse(next[0].Id, out var id) ? id : null;
    }
}

/// <summary>The answer to use instead of reading (<see cref="Problem"/>), and the flush position the read reflects.</summary>
public sealed record ConsistencyCheck(Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult? Problem, IReadOnlyList<FlushPosition>? Position);

/// <summary>
/// One stream at the moment of the read: every entry before <c>oldest_uncommitted_id</c> is in the database (all of them
/// when it is null), <c>uncommitted_entries</c> are not yet (null when Redis cannot count them).
/// </summary>
public sealed record FlushPosition(
    string Stream, string LastGeneratedId, long? UncommittedEntries, string? OldestUncommittedId, long LagMilliseconds);
