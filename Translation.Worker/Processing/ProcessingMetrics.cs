using System.Diagnostics.Metrics;

namespace Translation.Worker.Processing;

/// <summary>Job and engine instruments, tagged by target language (and engine for engine calls).</summary>
public sealed class ProcessingMetrics
{
    public const string MeterName = "Persistence.Translation";

    private readonly Counter<long> _claimed;
    private readonly Counter<long> _translated;
    private readonly Counter<long> _reused;
    private readonly Counter<long> _retried;
    private readonly Counter<long> _failed;
    private readonly Counter<long> _leaseLost;
    private readonly Histogram<double> _engineDuration;

    public ProcessingMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _claimed = meter.CreateCounter<long>("translation.jobs.claimed", "{job}", "Jobs claimed under a lease.");
        _translated = meter.CreateCounter<long>("translation.jobs.translated", "{job}", "Jobs translated by an engine.");
        _reused = meter.CreateCounter<long>("translation.jobs.reused", "{job}", "Jobs answered from translation memory, without an engine call.");
        _retried = meter.CreateCounter<long>("translation.jobs.retried", "{job}", "Failed attempts that will be retried after a back-off.");
        _failed = meter.CreateCounter<long>("translation.jobs.failed", "{job}", "Jobs failed for good.");
        _leaseLost = meter.CreateCounter<long>("translation.jobs.lease_lost", "{job}", "Outcomes dropped because the lease had passed to another worker.");
        _engineDuration = meter.CreateHistogram<double>("translation.engine.duration", "s", "Time of one engine call for a batch of texts.");
    }

    public void Claimed(string lang, int count) => _claimed.Add(count, Lang(lang));

    public void Translated(string lang, int count) => _translated.Add(count, Lang(lang));

    public void Reused(string lang, int count) => _reused.Add(count, Lang(lang));

    public void Retried(string lang, int count) => _retried.Add(count, Lang(lang));

    public void Failed(string lang, int count) => _failed.Add(count, Lang(lang));

    public void LeaseLost(string lang, int count) => _leaseLost.Add(count, Lang(lang));

    public void EngineCall(string engine, string lang, TimeSpan duration) =>
        _engineDuration.Record(duration.TotalSeconds, new KeyValuePair<string, object?>("engine", engine), Lang(lang));

    private static KeyValuePair<string, object?> Lang(string lang) => new("target_lang", lang);
}
