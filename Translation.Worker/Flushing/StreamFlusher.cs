using Microsoft.Extensions.Options;
using System.Data.Common;
using Persistence.Storage;
using Persistence.Contracts;
using StackExchange.Redis;
using Translation.Worker.Migrations;

namespace Translation.Worker.Flushing;

/// <summary>
/// Moves one stream into its database table as a member of the consumer group. This class is the schedule: what to
/// read next (own pending entries first, then dead consumers' and stuck ones', then new ones), when to trim, and how
/// to stop. Whatever fails, an entry is either committed (then acknowledged), dead-lettered with its reason, or left
/// pending for this or another worker to retry; the collaborators named below each own one of those steps.
/// </summary>
public sealed class StreamFlusher<TRecord> : BackgroundService
    where TRecord : class
{
    private readonly RecordTable<TRecord> _table;
    private readonly string _stream;
    private readonly SchemaGate _schema;
    private readonly FlushMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly FlushOptions _options;
    private readonly IHostApplicationLifetime _lifetime;
    private readonly ILogger _logger;
    private readonly RedisRetry _retry;
    private readonly StreamGroupReader _reader;
    private readonly DeadConsumerClaimer _deadConsumers;
    private readonly StaleEntryReclaimer _staleEntries;
    private readonly StreamTrimmer _trimmer;
    private readonly ReaderLease _lease;
    private readonly BatchProcessor<TRecord> _processor;

    public StreamFlusher(
        UpsertWriter<TRecord> writer,
        string stream,
        int slot,
        IConnectionMultiplexer redis,
        DbDataSource dataSource,
        StorageDialect dialect,
        SchemaGate schema,
        FlushMetrics metrics,
        StorageMetrics storage,
        TimeProvider time,
        IOptions<FlushOptions> options,
        IHostApplicationLifetime lifetime,
        ILogger<StreamFlusher<TRecord>> logger)
    {
        (_table, _schema, _metrics, _time, _lifetime, _logger) = (writer.Table, schema, metrics, time, lifetime, logger);
        _options = options.Value.ForConsumer(options.Value.ConsumerNames()[slot]);
        var database = redis.GetDatabase();
        _stream = stream;
        _retry = new RedisRetry(stream, _options, time, logger);
        _reader = new StreamGroupReader(stream, database, _options, time);
        _deadConsumers = new DeadConsumerClaimer(stream, database, _options, logger);
        _staleEntries = new StaleEntryReclaimer(stream, database, _options, logger);
        _trimmer = new StreamTrimmer(stream, database, logger);
        _lease = new ReaderLease(stream, database, _options, time);
        var statistics = new FlushStatistics(stream, database, time, logger);
        var acknowledger = new StreamAcknowledger(stream, database, _retry, statistics, logger);
        var deadLetters = new DeadLetterWriter(stream, database, _retry, metrics, statistics, time, logger);
        var ledger = new DeliveryLedger(stream, database, _options);
        var committer = new BatchCommitter<TRecord>(stream, writer, dataSource, dialect, deadLetters, ledger, _retry, metrics, storage, time, _options, logger);
        _processor = new BatchProcessor<TRecord>(writer.Table, stream, committer, acknowledger, deadLetters, ledger, metrics, time, _options, logger);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // The host stops its services one after another; were each flusher to start draining only when its own
        // turn came, shutdown would take DrainTimeoutMs once per stream. The whole application's stopping signal
        // reaches them all at once, so their drain windows overlap.
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, _lifetime.ApplicationStopping);
        var stopRequested = stopping.Token;
        await _schema.WaitAsync(stopRequested);
        await _retry.RunAsync("create consumer group", _reader.EnsureGroupAsync, stopRequested);
        Log.FlusherStarted(_logger, _stream, _options.ConsumerName);

        // Shutdown stops the reading at once; the batch in hand gets DrainTimeoutMs to commit and be acknowledged, so
        // a rolling restart does not leave work waiting for a take-over.
        using var drain = new CancellationTokenSource();
        await using var drainOnStop = stopRequested.Register(() =>
        {
            Log.Draining(_logger, _stream, _options.DrainTimeoutMs);
            drain.CancelAfter(TimeSpan.FromMilliseconds(_options.DrainTimeoutMs));
        });
        var batchToken = drain.Token;

        // Entries this consumer name received before a restart are still ours; finish them first.
        var resumeOwnPending = true;
        var nextClaim = _time.GetUtcNow();
        var nextDeadCheck = _time.GetUtcNow();
        var nextTrim = _time.GetUtcNow().AddMilliseconds(_options.TrimIntervalMs);
        var failures = 0;

        // The next batch is read from Redis while the current one is written to MySQL, so the database connection is
        // not left idle between batches. A prefetched batch is already delivered to this consumer: it is always
        // processed, after a failure and on shutdown too, never dropped.
        Task<List<StreamEntry>>? prefetched = null;

        while (!stopRequested.IsCancellationRequested)
        {
            try
            {
                if (resumeOwnPending)
                {
                    var own = await _reader.ReadOwnPendingAsync();
                    resumeOwnPending = own.Length > 0;
                    if (resumeOwnPending)
                    {
                        Log.ResumingOwnPending(_logger, _stream, own.Length);
                        await _processor.ProcessRedeliveredAsync(own, batchToken);
                        continue;
                    }
                }

                if (_time.GetUtcNow() >= nextDeadCheck)
                {
                    var orphaned = await UntracedPoll.RunAsync(_deadConsumers.ClaimAsync);
                    nextDeadCheck = _time.GetUtcNow().AddMilliseconds(_options.DeadConsumerCheckIntervalMs);
                    if (orphaned.Count > 0)
                    {
                        _metrics.Reclaimed(_stream, orphaned.Count);
                        await _processor.ProcessRedeliveredAsync(orphaned, batchToken);
                        continue;
                    }
                }

                if (_time.GetUtcNow() >= nextClaim)
                {
                    await foreach (var stale in _staleEntries.ClaimAsync())
                    {
                        _metrics.Reclaimed(_stream, stale.Count);
                        await _processor.ProcessRedeliveredAsync(stale, batchToken);
                    }

                    nextClaim = _time.GetUtcNow().AddMilliseconds(_options.ClaimIntervalMs);
                }

                if (_time.GetUtcNow() >= nextTrim)
                {
                    await UntracedPoll.RunAsync(_trimmer.TrimAsync);
                    nextTrim = _time.GetUtcNow().AddMilliseconds(_options.TrimIntervalMs);
                }

                // Recovery work above can take long enough for a stop to arrive meanwhile; nothing new is read after it.
                if (stopRequested.IsCancellationRequested)
                {
                    break;
                }

                var readAhead = prefetched;
                prefetched = null;
                if (readAhead is null && !await _lease.HoldAsync())
                {
                    // Another flusher reads this shard's new entries; this one stands by for recovery work.
                    await Task.Delay(TimeSpan.FromMilliseconds(_options.IdlePollIntervalMs), _time, stopRequested);
                    continue;
                }

                var batch = await (readAhead ?? _reader.GatherAsync(stopRequested));
                if (batch.Count == 0)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(_options.IdlePollIntervalMs), _time, stopRequested);
                    continue;
                }

                // Only a full read says more is waiting; after a partial one the next read would just wait out the
                // batch delay with this read uncommitted.
                // The lease is renewed here too: under a sustained backlog every round prefetches, and a lease left to
                // expire would let a second flusher split the keys.
                if (_reader.LastReadWasFull && !stopRequested.IsCancellationRequested && await _lease.HoldAsync())
                {
                    prefetched = _reader.GatherAsync(stopRequested);
                }

                await _processor.ProcessNewAsync(batch, batchToken);
                failures = 0;
            }
            catch (OperationCanceledException) when (stopRequested.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                failures++;
                var delay = _retry.Backoff(failures);
                Log.LoopFailed(_logger, _stream, delay.TotalMilliseconds, ex);
                await Task.Delay(delay, _time, stopRequested).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }

        if (prefetched is not null)
        {
            await DrainPrefetchedAsync(prefetched, batchToken);
        }

        await _lease.ReleaseAsync();

        Log.FlusherStopped(_logger, _stream);
    }

    /// <summary>On shutdown, commits the batch read ahead, so nothing is left pending under this consumer's name.</summary>
    private async Task DrainPrefetchedAsync(Task<List<StreamEntry>> prefetched, CancellationToken drainToken)
    {
        try
        {
            await _processor.ProcessNewAsync(await prefetched, drainToken);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Left pending: this consumer resumes it on restart, or another worker takes it over.
            Log.ReadAheadLeftPending(_logger, _stream, ex);
        }
    }
}
