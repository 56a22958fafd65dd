using System.Diagnostics.Metrics;
using Persistence.Contracts;

namespace Translation.Worker.Flushing;

/// <summary>The flush loop's instruments, tagged by stream.</summary>
public sealed class FlushMetrics
{
    private readonly Counter<long> _flushed;
    private readonly Counter<long> _deadLettered;
    private readonly Counter<long> _reclaimed;
    private readonly Counter<long> _retries;
    private readonly Histogram<double> _batchDuration;
    private readonly Histogram<int> _batchSize;

    public FlushMetrics(IMeterFactory meterFactory)
    {
        var meter = PersistenceTelemetry.CreateMeter(meterFactory);
        _flushed = meter.CreateCounter<long>("persistence.flush.records", "{record}", "Records committed to MySQL and acknowledged.");
        _deadLettered = meter.CreateCounter<long>("persistence.flush.dead_lettered", "{record}", "Records moved to the dead-letter stream.");
        _reclaimed = meter.CreateCounter<long>("persistence.flush.reclaimed", "{record}", "Entries taken over from an idle consumer.");
        _retries = meter.CreateCounter<long>("persistence.flush.retries", "{attempt}", "Batch attempts that failed transiently and were retried.");
        _batchDuration = meter.CreateHistogram<double>("persistence.flush.duration", "s", "Time to write and commit one batch.");
        _batchSize = meter.CreateHistogram<int>("persistence.flush.batch_size", "{record}", "Records per committed batch.");
    }

    public void Committed(string stream, int count, TimeSpan duration)
    {
        var tag = new KeyValuePair<string, object?>("stream", stream);
        _flushed.Add(count, tag);
        _batchSize.Record(count, tag);
        _batchDuration.Record(duration.TotalSeconds, tag);
    }

    public void DeadLettered(string stream) => _deadLettered.Add(1, new KeyValuePair<string, object?>("stream", stream));

    public void Reclaimed(string stream, int count) => _reclaimed.Add(count, new KeyValuePair<string, object?>("stream", stream));

    public void Retried(string stream) => _retries.Add(1, new KeyValuePair<string, object?>("stream", stream));
}
