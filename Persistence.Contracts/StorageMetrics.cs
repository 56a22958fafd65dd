using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Persistence.Contracts;

/// <summary>
/// One histogram and one counter for every Redis and MySQL operation the services make on a request's or a flush's
/// behalf, tagged by backend and operation: its count is the operation rate, its buckets the latency, the counter the
/// failures. Background polls are left out; they would drown the figures of the work they watch.
/// </summary>
public sealed class StorageMetrics
{
    public const string Redis = "redis";
    public const string MySql = "mysql";

    private readonly Histogram<double> _duration;
    private readonly Counter<long> _errors;

    public StorageMetrics(IMeterFactory meters)
    {
        var meter = PersistenceTelemetry.CreateMeter(meters);
        _duration = meter.CreateHistogram<double>("persistence.storage.duration", "s", "Time of one storage operation, failed ones included.");
        _errors = meter.CreateCounter<long>("persistence.storage.errors", "{operation}", "Storage operations that threw.");
    }

    public async Task<T> MeasureAsync<T>(string backend, string operation, Func<Task<T>> run)
    {
        ArgumentNullException.ThrowIfNull(run);
        var started = Stopwatch.GetTimestamp();
        var backendTag = new KeyValuePair<string, object?>("backend", backend);
        var operationTag = new KeyValuePair<string, object?>("operation", operation);
        var failed = true;
        try
        {
            var result = await run();
            failed = false;
            return result;
        }
        finally
        {
            _duration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, backendTag, operationTag);
            // Adding 0 on success exports the error series before the first error: an error rate needs both.
            _errors.Add(failed ? 1 : 0, backendTag, operationTag);
        }
    }

    public Task MeasureAsync(string backend, string operation, Func<Task> run)
    {
        ArgumentNullException.ThrowIfNull(run);
        return MeasureAsync(backend, operation, async () =>
        {
            await run();
            return true;
        });
    }
}
