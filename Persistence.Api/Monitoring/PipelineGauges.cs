using System.Diagnostics.Metrics;
using Persistence.Contracts;
using StackExchange.Redis;

namespace Persistence.Api.Monitoring;

/// <summary>
/// Per-stream backlog, flush lag and the dead-letter count, for Prometheus. Measured by the backlog monitor's loop,
/// which reads the streams anyway; an instrument only reports the last measurement, so a scrape costs Redis nothing.
/// Every replica measures the same streams: dashboards and alerts take the maximum over replicas, not the sum.
/// </summary>
public sealed class PipelineGauges
{
    private const string StreamTag = "stream";

    private volatile Reading _last = new([], 0);

    public PipelineGauges(IMeterFactory meters)
    {
        var meter = PersistenceTelemetry.CreateMeter(meters);
        meter.CreateObservableGauge(
            "persistence.stream.backlog",
            () => _last.Streams.Select(s => new Measurement<long>(s.Backlog, new KeyValuePair<string, object?>(StreamTag, s.Stream))),
            "{record}",
            "Records accepted into the stream and not yet committed to MySQL (the buffer's size).");
        meter.CreateObservableGauge(
            "persistence.stream.flush_lag",
            () => _last.Streams.Select(s => new Measurement<double>(s.LagSeconds, new KeyValuePair<string, object?>(StreamTag, s.Stream))),
            "s",
            "Age of the oldest record accepted into the stream and not yet committed; 0 when none waits.");
        meter.CreateObservableGauge(
            "persistence.dead_letters.stored",
            () => _last.DeadLetters,
            "{record}",
            "Entries in the dead-letter stream, waiting for an operator to replay or discard them.");
    }

    public sealed record StreamReading(string Stream, long Backlog, double LagSeconds);

    private sealed record Reading(IReadOnlyList<StreamReading> Streams, long DeadLetters);

    /// <summary>
    /// Reads what the progress figures leave open: the oldest undelivered entry's id when nothing is pending (one
    /// XRANGE, only while records wait undelivered) and the dead-letter stream's length (XLEN, constant time).
    /// </summary>
    public async Task MeasureAsync(IDatabaseAsync redis, IReadOnlyList<StreamProgress> progress, DateTimeOffset now)
    {
        var streams = new List<StreamReading>(progress.Count);
        foreach (var stream in progress)
        {
            var oldest = stream.Uncommitted == 0 ? null : stream.LowestPendingId ?? await FirstUndeliveredAsync(redis, stream);
            var lag = oldest is { } id ? Math.Max(0, (now.ToUnixTimeMilliseconds() - (double)id.Milliseconds) / 1000) : 0;
            streams.Add(new StreamReading(stream.Stream, stream.UncommittedRecords, lag));
        }

        var deadLetters = await redis.StreamLengthAsync(PersistenceStreams.DeadLetters);
        _last = new Reading(streams, deadLetters);
    }

    private static async Task<StreamId?> FirstUndeliveredAsync(IDatabaseAsync redis, StreamProgress stream)
    {
        // Exclusive start: the first entry after the last one the group handed out.
        var entries = await redis.StreamRangeAsync(stream.Stream, "(" + stream.LastDeliveredId, "+", 1);
        return entries.Length == 1 && StreamId.TryParse(entries[0].Id, out var id) ? id : null;
    }
}
