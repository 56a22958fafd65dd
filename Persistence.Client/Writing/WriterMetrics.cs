using System.Diagnostics.Metrics;

namespace Persistence.Client.Writing;

/// <summary>The writer's instruments on the <see cref="PersistenceWriter.MeterName"/> meter, tagged with the record kind.</summary>
internal sealed class WriterMetrics : IDisposable
{
    private readonly Meter _meter;

    // A factory's meters are shared and the factory's to dispose; only a meter of our own is ours.
    private readonly bool _ownsMeter;

    public WriterMetrics(IMeterFactory? factory)
    {
        _ownsMeter = factory is null;
        _meter = factory?.Create(PersistenceWriter.MeterName) ?? new Meter(PersistenceWriter.MeterName);
        Delivered = _meter.CreateCounter<long>("persistence.client.writer.delivered", "{record}", "Records the API accepted (202).");
        Undelivered = _meter.CreateCounter<long>("persistence.client.writer.undelivered", "{record}", "Records given up: refused by the API for good, or held past the shutdown timeout.");
        Refused = _meter.CreateCounter<long>("persistence.client.writer.refused", "{record}", "Enqueues refused because the queue was full or the writer stopped.");
        Resends = _meter.CreateCounter<long>("persistence.client.writer.resends", "{batch}", "Batches sent again after a retryable failure.");
    }

    public Counter<long> Delivered { get; }

    public Counter<long> Undelivered { get; }

    public Counter<long> Refused { get; }

    public Counter<long> Resends { get; }

    public void ObserveQueued(Func<IEnumerable<Measurement<long>>> observe) =>
        _meter.CreateObservableGauge("persistence.client.writer.queued", observe, "{record}", "Records held, not yet sent.");

    public void Dispose()
    {
        if (_ownsMeter)
        {
            _meter.Dispose();
        }
    }
}
