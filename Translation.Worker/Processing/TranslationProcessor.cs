using System.Diagnostics;
using Microsoft.Extensions.Options;
using Persistence.Contracts;
using Translation.Worker.Migrations;

namespace Translation.Worker.Processing;

/// <summary>
/// Processes pending jobs, one loop per configured target language: claim a batch under a lease, answer what
/// translation memory already knows, send the rest to the engine (each distinct content once), and store the
/// outcomes only where the lease is still ours. Any number of workers can run this side by side.
/// </summary>
public sealed class TranslationProcessor(
    JobStore store,
    EngineSelector engines,
    SchemaGate schema,
    ProcessingMetrics metrics,
    TimeProvider time,
    IOptions<ProcessingOptions> options,
    ILogger<TranslationProcessor> logger) : BackgroundService
{
    private const string TargetLangTag = "translation.target_lang";
    private const string ClaimedTag = "translation.jobs.claimed";

    private static readonly ActivitySource Source = new(ProcessingMetrics.MeterName);

    /// <summary>A job whose content has not landed yet is looked at again after this.</summary>
    private static readonly TimeSpan ContentWait = TimeSpan.FromSeconds(1);

    private readonly ProcessingOptions _options = options.Value;
    private long _claims;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await schema.WaitAsync(stoppingToken);
        Log.ProcessorStarted(logger, string.Join(", ", _options.EffectiveLanguages), engines.Current.Producer, _options.WorkerName);
        await Task.WhenAll(_options.EffectiveLanguages.Select(lang => RunAsync(lang, stoppingToken)));
    }

    private async Task RunAsync(string lang, CancellationToken stoppingToken)
    {
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var processed = await ProcessOnceAsync(lang, stoppingToken);
                failures = 0;
                if (processed == 0)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(_options.IdlePollIntervalMs), time, stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                // Whatever was claimed stays leased and is taken again when the lease runs out.
                failures++;
                var delay = RetryBackoff.Delay(failures, TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(10));
                Log.ProcessingLoopFailed(logger, lang, delay.TotalMilliseconds, ex);
                await Task.Delay(delay, time, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    /// <summary>One claim and its outcomes; returns the number of jobs claimed.</summary>
    private async Task<int> ProcessOnceAsync(string lang, CancellationToken cancellationToken)
    {
        var owner = $"{_options.WorkerName}/{Interlocked.Increment(ref _claims)}";
        // Most claims find nothing; traced, each idle claim would be a trace of its own. What a claim finds is traced
        // below, under a span of its own.
        // The engine is looked up per claim, so a reloaded Processing:Engine applies from the next one.
        var configured = EngineIdentity.Of(engines.Current);
        var claim = await UntracedPoll.RunAsync(
            () => store.ClaimAsync(
                lang, owner, _options.WorkerName, _options.BatchSize, _options.LeaseSeconds, _options.MaxAttempts,
                engineOverride => engineOverride is null ? configured : EngineIdentity.Of(engines.For(engineOverride)), cancellationToken));
        if (claim.Abandoned.Count > 0)
        {
            metrics.Failed(lang, claim.Abandoned.Count);
            Log.AbandonedJobsFailed(logger, lang, claim.Abandoned.Count);
        }

        var jobs = claim.Claimed;
        if (jobs.Count == 0)
        {
            return claim.Abandoned.Count;
        }

        using var activity = Source.StartActivity($"process translations {lang}");
        activity?.SetTag(TargetLangTag, lang);
        activity?.SetTag(ClaimedTag, jobs.Count);
        metrics.Claimed(lang, jobs.Count);
        try
        {
            await CompleteAsync(lang, owner, jobs, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping: hand the jobs back now rather than leaving them to wait out the lease.
            using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(5), time);
            await store.RecordAsync(owner, _options.WorkerName, [.. jobs.Select(j => JobOutcome.Deferred(j, TimeSpan.Zero, "the worker stopped"))], [], grace.Token);
            Log.JobsReleased(logger, lang, jobs.Count);
            throw;
        }

        return jobs.Count;
    }

    private async Task CompleteAsync(string lang, string owner, IReadOnlyList<ClaimedJob> jobs, CancellationToken cancellationToken)
    {
        var contents = await store.ContentsAsync([.. jobs.Select(j => j.ContentHash).Distinct(StringComparer.Ordinal)], cancellationToken);
        var outcomes = jobs.Where(j => !contents.ContainsKey(j.ContentHash))
            .Select(j => JobOutcome.Deferred(j, ContentWait, "its content has not landed yet")).ToList();
        var remembered = new List<MemoryEntry>();
        var counts = new Counts();
        // Usually one group: jobs re-queued to another engine go to that one.
        foreach (var byEngine in jobs.Where(j => contents.ContainsKey(j.ContentHash)).GroupBy(j => j.Engine))
        {
            var engine = engines.For(byEngine.Key.Name);
            var ready = byEngine.ToList();
            var askMemory = ready.Where(j => !j.BypassMemory).ToList();
            var memory = askMemory.Count == 0
                ? []
                : await store.MemoryAsync(lang, engine.Producer, _options.ReuseOtherEngines, [.. askMemory.Select(j => (j.SourceLang, j.ContentHash))], cancellationToken);
            var reused = askMemory.Where(j => memory.ContainsKey(j.ContentHash)).ToList();
            outcomes.AddRange(reused.Select(j => JobOutcome.FromMemory(j, memory[j.ContentHash])));
            counts.Reused += reused.Count;
            var toTranslate = ready.Where(j => j.BypassMemory || !memory.ContainsKey(j.ContentHash)).ToList();
            await TranslateJobsAsync(engine, lang, toTranslate, contents, outcomes, remembered, counts, cancellationToken);
        }

        var stored = await store.RecordAsync(owner, _options.WorkerName, outcomes, remembered, cancellationToken);
        if (stored < outcomes.Count)
        {
            metrics.LeaseLost(lang, outcomes.Count - stored);
            Log.LeaseLost(logger, lang, outcomes.Count - stored);
        }

        metrics.Translated(lang, counts.Translated);
        metrics.Reused(lang, counts.Reused);
        metrics.Retried(lang, counts.Retried);
        metrics.Failed(lang, counts.Failed);
        Log.BatchProcessed(logger, lang, jobs.Count, counts.Translated, counts.Reused, counts.Retried, counts.Failed);
    }

    private async Task TranslateJobsAsync(
        ITranslationEngine engine, string lang, List<ClaimedJob> toTranslate, Dictionary<string, EngineText> contents,
        List<JobOutcome> outcomes, List<MemoryEntry> remembered, Counts counts, CancellationToken cancellationToken)
    {
        foreach (var bySource in toTranslate.GroupBy(j => j.SourceLang, StringComparer.Ordinal))
        {
            // Each content once, however many business ids in the batch asked for it.
            var hashes = bySource.Select(j => j.ContentHash).Distinct(StringComparer.Ordinal).ToList();
            var forced = bySource.Where(j => j.BypassMemory).Select(j => j.ContentHash).ToHashSet(StringComparer.Ordinal);
            var results = await TranslateAsync(engine, new EngineBatch(bySource.Key, lang, [.. hashes.Select(h => contents[h])]), cancellationToken);
            var byHash = hashes.Zip(results).ToDictionary(p => p.First, p => p.Second, StringComparer.Ordinal);
            foreach (var (hash, result) in byHash)
            {
                if (result.Text is { } text)
                {
                    remembered.Add(new MemoryEntry(bySource.Key, lang, hash, text, engine.Producer, forced.Contains(hash)));
                }
            }

            foreach (var job in bySource)
            {
                var result = byHash[job.ContentHash];
                if (result.Text is { } text)
                {
                    outcomes.Add(JobOutcome.Translated(job, text));
                    counts.Translated++;
                }
                else if (job.Attempt >= _options.MaxAttempts)
                {
                    outcomes.Add(JobOutcome.Failed(job, $"Attempt {job.Attempt} of {_options.MaxAttempts} failed: {result.Error}"));
                    Log.JobFailed(logger, job.JobId, lang, job.Attempt, result.Error ?? "");
                    counts.Failed++;
                }
                else
                {
                    var delay = RetryBackoff.Delay(
                        job.Attempt, TimeSpan.FromMilliseconds(_options.RetryBaseDelayMs), TimeSpan.FromMilliseconds(_options.RetryMaxDelayMs));
                    outcomes.Add(JobOutcome.Retry(job, $"Attempt {job.Attempt} of {_options.MaxAttempts} failed: {result.Error}", delay));
                    Log.JobRetrying(logger, job.JobId, lang, job.Attempt, delay.TotalMilliseconds, result.Error ?? "");
                    counts.Retried++;
                }
            }
        }
    }

    /// <summary>The engine's outcomes, or the same error for every text when the call as a whole failed.</summary>
    private async Task<IReadOnlyList<EngineOutcome>> TranslateAsync(ITranslationEngine engine, EngineBatch batch, CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        try
        {
            var results = await engine.TranslateAsync(batch, cancellationToken);
            if (results.Count != batch.Texts.Count)
            {
                throw new InvalidOperationException($"The engine answered {results.Count} outcomes for {batch.Texts.Count} texts.");
            }

            return results;
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            Log.EngineFailed(logger, engine.Name, batch.TargetLang, batch.Texts.Count, ex);
            return [.. batch.Texts.Select(_ => EngineOutcome.Failure($"{ex.GetType().Name}: {ex.Message}"))];
        }
        finally
        {
            metrics.EngineCall(engine.Name, batch.TargetLang, time.GetElapsedTime(started));
        }
    }

    private sealed class Counts
    {
        public int Translated { get; set; }

        public int Reused { get; set; }

        public int Retried { get; set; }

        public int Failed { get; set; }
    }
}
