using System.Diagnostics.Metrics;
using Persistence.Contracts;

namespace Translation.Worker.Flushing;

/// <summary>The flush loop's instruments, tagged by stream.</summary>
public sealed class FlushMetrics
{
    private readonly Counter<long> _flushed;
    private readonly Counter<long> _applied;
    private readonly Counter<long> _superseded;
    private readonly Counter<long> _deadLettered;
    private readonly Counter<long> _refusedAfterAcceptance;
    private readonly Counter<long> _committedByStatus;
    private readonly Counter<long> _reclaimed;
    private readonly Counter<long> _retries;
    private readonly Histogram<double> _batchDuration;
    private readonly Histogram<int> _batchSize;

    public FlushMetrics(IMeterFactory meterFactory)
    {
        var meter = PersistenceTelemetry.CreateMeter(meterFactory);
        _flushed = meter.CreateCounter<long>(
            "persistence.flush.records",
            "{record}",
            "Records settled by a commit and acknowledged: applied, or superseded by a newer state of their key that was.");
        _applied = meter.CreateCounter<long>("persistence.flush.applied", "{row}", "Row writes: the newest state of a key in a read, written to MySQL.");
        _superseded = meter.CreateCounter<long>(
            "persistence.flush.superseded",
            "{record}",
            "States not written because a newer state of their key was, in the same read; acknowledged with its commit.");
        _deadLettered = meter.CreateCounter<long>("persistence.flush.dead_lettered", "{record}", "Records moved to the dead-letter stream.");
        _refusedAfterAcceptance = meter.CreateCounter<long>(
            "persistence.records.refused_after_acceptance",
            "{record}",
            "Records the API accepted (202) that were then not stored: dead-lettered as undecodable, rejected by MySQL or poison. Must stay 0.");
        _committedByStatus = meter.CreateCounter<long>(
            "persistence.records.committed",
            "{record}",
            "Records committed to MySQL, by stream and by the status they carried.");
        _reclaimed = meter.CreateCounter<long>("persistence.flush.reclaimed", "{record}", "Entries taken over from an idle consumer.");
        _retries = meter.CreateCounter<long>("persistence.flush.retries", "{attempt}", "Batch attempts that failed transiently and were retried.");
        _batchDuration = meter.CreateHistogram<double>("persistence.flush.duration", "s", "Time to write and commit one batch.");
        _batchSize = meter.CreateHistogram<int>("persistence.flush.batch_size", "{record}", "Records per committed read.");

        // A counter that never moved is not exported at all; the alerts on these and the dashboard need them at 0.
        foreach (var stream in PersistenceStreams.Data)
        {
            var tag = new KeyValuePair<string, object?>("stream", stream);
            _deadLettered.Add(0, tag);
            _superseded.Add(0, tag);
            _refusedAfterAcceptance.Add(0, tag);
        }
    }

    /// <summary>A read committed: <paramref name="applied"/> rows written, <paramref name="superseded"/> states settled by them.</summary>
    public void Committed(string stream, long applied, long superseded, TimeSpan duration)
    {
        var tag = new KeyValuePair<string, object?>("stream", Label(stream));
        _flushed.Add(applied + superseded, tag);
        _applied.Add(applied, tag);
        _superseded.Add(superseded, tag);
        _batchSize.Record((int)(applied + superseded), tag);
        _batchDuration.Record(duration.TotalSeconds, tag);
    }

    /// <summary>Each dead letter is a record the API once answered 202 for: both counters move.</summary>
    public void DeadLettered(string stream)
    {
        var tag = new KeyValuePair<string, object?>("stream", Label(stream));
        _deadLettered.Add(1, tag);
        _refusedAfterAcceptance.Add(1, tag);
    }

    /// <summary>Counts the committed records by the status they carried; records without one count as "none".</summary>
    public void CommittedStatuses(string stream, IEnumerable<string?> statuses)
    {
        foreach (var group in statuses.GroupBy(status => status ?? "none", StringComparer.Ordinal))
        {
            _committedByStatus.Add(group.Count(), new("stream", Label(stream)), new("status", group.Key));
        }
    }

    public void Reclaimed(string stream, int count) => _reclaimed.Add(count, new KeyValuePair<string, object?>("stream", Label(stream)));

    public void Retried(string stream) => _retries.Add(1, new KeyValuePair<string, object?>("stream", Label(stream)));

    /// <summary>Series are labelled by stream, not by shard: a layout switch must not rename what alerts and panels follow.</summary>
    private static string Label(string shard) => StreamShards.StreamOf(shard) ?? shard;
}
