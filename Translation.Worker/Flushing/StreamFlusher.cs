using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Options;
using MySqlConnector;
using Persistence.Contracts;
using StackExchange.Redis;
using Translation.Worker.Migrations;

namespace Translation.Worker.Flushing;

/// <summary>
/// Moves one stream into its MySQL table: reads batches as a member of the consumer group, commits each batch in one
/// transaction, and acknowledges entries only after the commit. Whatever fails, an entry is either committed (then
/// acknowledged), dead-lettered with its reason, or left pending for this or another worker to retry.
/// </summary>
public sealed class StreamFlusher<TRecord>(
    RecordTable<TRecord> table,
    IConnectionMultiplexer redis,
    MySqlDataSource dataSource,
    SchemaGate schema,
    FlushMetrics metrics,
    StorageMetrics storage,
    TimeProvider time,
    IOptions<FlushOptions> options,
    IHostApplicationLifetime lifetime,
    ILogger<StreamFlusher<TRecord>> logger) : BackgroundService
    where TRecord : class
{
    private const int MaxTraceLinks = 32;

    private readonly FlushOptions _options = options.Value;
    private readonly UpsertWriter<TRecord> _writer = new(table);
    private readonly RecordColumn<TRecord>? _status = table.Columns.FirstOrDefault(c => c.Name == "status");
    private readonly IDatabase _redis = redis.GetDatabase();
    private RedisRetry? _retry;
    private StreamAcknowledger? _acknowledger;
    private DeadConsumerClaimer? _claimer;

    private RedisRetry Retry => _retry ??= new(table.Stream, _options, time, logger);

    private StreamAcknowledger Acknowledger => _acknowledger ??= new(table.Stream, _redis, Retry, time, logger);

    private DeadConsumerClaimer Claimer => _claimer ??= new(table.Stream, _redis, _options, logger);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // The host stops its services one after another; were each flusher to start draining only when its own
        // turn came, shutdown would take DrainTimeoutMs once per stream. The whole application's stopping signal
        // reaches them all at once, so their drain windows overlap.
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, lifetime.ApplicationStopping);
        var stopRequested = stopping.Token;
        await schema.WaitAsync(stopRequested);
        await Retry.RunAsync("create consumer group", EnsureGroupAsync, stopRequested);
        Log.FlusherStarted(logger, table.Stream, _options.ConsumerName);

        // Shutdown stops the reading at once; the batch in hand gets DrainTimeoutMs to commit and be acknowledged, so
        // a rolling restart does not leave work waiting for the claim timeout.
        using var drain = new CancellationTokenSource();
        await using var drainOnStop = stopRequested.Register(() =>
        {
            Log.Draining(logger, table.Stream, _options.DrainTimeoutMs);
            drain.CancelAfter(TimeSpan.FromMilliseconds(_options.DrainTimeoutMs));
        });
        var batchToken = drain.Token;

        // Entries this consumer name received before a restart are still ours; finish them first.
        var resumeOwnPending = true;
        var nextClaim = time.GetUtcNow();
        var nextDeadCheck = time.GetUtcNow();
        var nextTrim = time.GetUtcNow().AddMilliseconds(_options.TrimIntervalMs);
        var failures = 0;

        // The next batch is read from Redis and decoded while the current one is written to MySQL, so the database
        // connection is not left idle between batches. A prefetched batch is already delivered to this consumer: it
        // is always processed, after a failure and on shutdown too, never dropped.
        Task<List<StreamEntry>>? prefetched = null;

        while (!stopRequested.IsCancellationRequested)
        {
            try
            {
                if (resumeOwnPending)
                {
                    var own = await ReadAsync(StreamPosition.Beginning, _options.BatchSize);
                    resumeOwnPending = own.Length > 0;
                    if (resumeOwnPending)
                    {
                        Log.ResumingOwnPending(logger, table.Stream, own.Length);
                        await ProcessRedeliveredAsync(own, batchToken);
                        continue;
                    }
                }

                if (time.GetUtcNow() >= nextDeadCheck)
                {
                    var orphaned = await UntracedPoll.RunAsync(Claimer.ClaimAsync);
                    nextDeadCheck = time.GetUtcNow().AddMilliseconds(_options.DeadConsumerCheckIntervalMs);
                    if (orphaned.Count > 0)
                    {
                        metrics.Reclaimed(table.Stream, orphaned.Count);
                        await ProcessRedeliveredAsync(orphaned, batchToken);
                        continue;
                    }
                }

                if (time.GetUtcNow() >= nextClaim)
                {
                    await ReclaimAsync(batchToken);
                    nextClaim = time.GetUtcNow().AddMilliseconds(_options.ClaimIntervalMs);
                }

                if (time.GetUtcNow() >= nextTrim)
                {
                    await UntracedPoll.RunAsync(TrimAsync);
                    nextTrim = time.GetUtcNow().AddMilliseconds(_options.TrimIntervalMs);
                }

                var readAhead = prefetched;
                prefetched = null;
                var batch = await (readAhead ?? GatherAsync());
                if (batch.Count == 0)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(_options.IdlePollIntervalMs), time, stopRequested);
                    continue;
                }

                // Only a full batch says more is waiting; after a partial one the next read would just wait out the
                // batch delay with this batch uncommitted.
                if (batch.Count >= _options.BatchSize && !stopRequested.IsCancellationRequested)
                {
                    prefetched = GatherAsync();
                }

                await ProcessAsync(batch, batchToken);
                failures = 0;
            }
            catch (OperationCanceledException) when (stopRequested.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                failures++;
                var delay = Retry.Backoff(failures);
                Log.LoopFailed(logger, table.Stream, delay.TotalMilliseconds, ex);
                await Task.Delay(delay, time, stopRequested).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }

        if (prefetched is not null)
        {
            await DrainPrefetchedAsync(prefetched, batchToken);
        }

        Log.FlusherStopped(logger, table.Stream);
    }

    /// <summary>On shutdown, commits the batch read ahead, so nothing is left pending under this consumer's name.</summary>
    private async Task DrainPrefetchedAsync(Task<List<StreamEntry>> prefetched, CancellationToken drainToken)
    {
        try
        {
            await ProcessAsync(await prefetched, drainToken);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Left pending: this consumer resumes it on restart, or another worker claims it after the idle time.
            Log.ReadAheadLeftPending(logger, table.Stream, ex);
        }
    }

    private async Task EnsureGroupAsync()
    {
        // Looked up first: creating is refused while Redis is over its maxmemory, even when the group exists, and a
        // worker started then must still be able to drain it.
        if (await _redis.KeyExistsAsync(table.Stream)
            && (await _redis.StreamGroupInfoAsync(table.Stream)).Any(g => g.Name == PersistenceStreams.ConsumerGroup))
        {
            return;
        }

        try
        {
            // From the stream's very beginning: entries appended before any worker ever ran must be flushed too.
            await _redis.StreamCreateConsumerGroupAsync(table.Stream, PersistenceStreams.ConsumerGroup, StreamPosition.Beginning, createStream: true);
        }
        catch (RedisServerException ex) when (ex.Message.StartsWith("BUSYGROUP", StringComparison.Ordinal))
        {
            // Another worker created it first.
        }
    }

    /// <summary>
    /// Untraced, as are the reclaim and trim polls: an idle flusher reads every IdlePollIntervalMs (20 ms), and each
    /// read would be a trace of its own. What a read delivers is traced by <see cref="ProcessAsync"/>, under the span
    /// of the request that appended it.
    /// </summary>
    private Task<StreamEntry[]> ReadAsync(RedisValue position, int count) =>
        UntracedPoll.RunAsync(() => _redis.StreamReadGroupAsync(table.Stream, PersistenceStreams.ConsumerGroup, _options.ConsumerName, position, count));

    /// <summary>Reads new entries until the batch is full, the stream is drained, or the batch delay has passed.</summary>
    private async Task<List<StreamEntry>> GatherAsync()
    {
        var batch = new List<StreamEntry>();
        var deadline = time.GetUtcNow().AddMilliseconds(_options.MaxBatchDelayMs);
        while (batch.Count < _options.BatchSize)
        {
            var entries = await ReadAsync(StreamPosition.NewMessages, _options.BatchSize - batch.Count);
            batch.AddRange(entries);
            if (entries.Length == 0 || time.GetUtcNow() >= deadline)
            {
                break;
            }
        }

        return batch;
    }

    private async Task ProcessAsync(List<StreamEntry> entries, CancellationToken cancellationToken)
    {
        var items = new List<FlushItem<TRecord>>(entries.Count);
        foreach (var entry in entries)
        {
            if (entry.IsNull || entry.Values.Length == 0)
            {
                // Deleted from the stream by someone else while pending: there is nothing left to write.
                Log.EntryVanished(logger, table.Stream, entry.Id.ToString());
                await Acknowledger.AcknowledgeVanishedAsync(entry.Id, cancellationToken);
                continue;
            }

            var item = FlushItem<TRecord>.Decode(entry, table);
            if (item.Problem is { } problem)
            {
                await DeadLetterAsync(item, problem, deliveries: 1, cancellationToken);
            }
            else
            {
                items.Add(item);
            }
        }

        if (items.Count == 0)
        {
            return;
        }

        using var activity = StartBatchActivity(items, table.Stream);
        await CommitOrIsolateAsync(items, cancellationToken);
    }

    /// <summary>
    /// Commits the rows in one transaction. If MySQL rejects the data itself, halves the batch until the rejected
    /// record stands alone and dead-letters it, so one bad record never holds back the others.
    /// </summary>
    private async Task CommitOrIsolateAsync(List<FlushItem<TRecord>> items, CancellationToken cancellationToken)
    {
        var attempt = 0;
        while (true)
        {
            var started = time.GetTimestamp();
            try
            {
                await CommitAsync(items, cancellationToken);
                var elapsed = time.GetElapsedTime(started);
                await Acknowledger.AcknowledgeAsync([.. items.Select(i => i.Entry.Id)], elapsed, cancellationToken);
                metrics.Committed(table.Stream, items.Count, elapsed);
                metrics.CommittedStatuses(table.Stream, items.Select(i => _status?.Value(i.Record!) as string));
                Log.BatchCommitted(logger, table.Stream, items.Count, elapsed.TotalMilliseconds);
                return;
            }
            catch (MySqlException ex) when (IsRejectedData(ex))
            {
                if (items.Count == 1)
                {
                    await DeadLetterAsync(items[0], $"MySQL rejected the record: {ex.Message}", deliveries: 1, cancellationToken);
                    return;
                }

                Log.IsolatingRejectedRecord(logger, table.Stream, items.Count, ex.Message);
                var half = items.Count / 2;
                await CommitOrIsolateAsync(items.Take(half).ToList(), cancellationToken);
                await CommitOrIsolateAsync(items.Skip(half).ToList(), cancellationToken);
                return;
            }
            catch (Exception ex) when (ex is MySqlException or InvalidOperationException or TimeoutException or IOException
                                       && !cancellationToken.IsCancellationRequested)
            {
                // MySQL is down, restarting, or timing out: nothing was committed, nothing is acknowledged; try again.
                attempt++;
                metrics.Retried(table.Stream);
                var delay = Retry.Backoff(attempt);
                Log.CommitRetry(logger, table.Stream, items.Count, attempt, delay.TotalMilliseconds, ex);
                await Task.Delay(delay, time, cancellationToken);
                await KeepClaimedAsync(items);
            }
        }
    }

    /// <summary>
    /// Resets the idle time of entries this worker is still retrying, so that during a long MySQL outage other
    /// workers do not take them over again and again, which would count as deliveries and end in the dead-letter
    /// stream. JUSTID claims do not increase the delivery count.
    /// </summary>
    private async Task KeepClaimedAsync(List<FlushItem<TRecord>> items)
    {
        try
        {
            await _redis.StreamClaimIdsOnlyAsync(
                table.Stream, PersistenceStreams.ConsumerGroup, _options.ConsumerName, 0, items.Select(i => i.Entry.Id).ToArray());
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            // Redis is down too; nobody can claim them meanwhile.
        }
    }

    private async Task CommitAsync(List<FlushItem<TRecord>> items, CancellationToken cancellationToken)
    {
        await storage.MeasureAsync(StorageMetrics.MySql, "upsert", async () =>
        {
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            await _writer.WriteAsync(connection, transaction, items, _options.MaxStatementBytes, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        });
    }

    /// <summary>Data errors are properties of the record and would fail forever; everything else is worth retrying.</summary>
    private static bool IsRejectedData(MySqlException exception) => exception.ErrorCode is
        MySqlErrorCode.DataTooLong or
        MySqlErrorCode.TruncatedWrongValue or
        MySqlErrorCode.TruncatedWrongValueForField or
        MySqlErrorCode.WarningDataOutOfRange or
        MySqlErrorCode.ColumnCannotBeNull or
        MySqlErrorCode.InvalidJsonText or
        MySqlErrorCode.NoReferencedRow2 or
        (MySqlErrorCode)3819 or // MySQL: check constraint violated
        (MySqlErrorCode)4025; // MariaDB: CONSTRAINT_FAILED, e.g. a JSON column given invalid JSON

    private async Task DeadLetterAsync(FlushItem<TRecord> item, string reason, long deliveries, CancellationToken cancellationToken)
    {
        Log.DeadLettered(logger, table.Stream, item.Entry.Id.ToString(), reason);
        if (await Acknowledger.DeadLetterAsync(item.Entry, reason, deliveries, cancellationToken))
        {
            metrics.DeadLettered(table.Stream);
        }
    }

    /// <summary>Takes over entries a consumer has held past the idle time (it probably died) and processes them.</summary>
    private async Task ReclaimAsync(CancellationToken cancellationToken)
    {
        RedisValue start = "0-0";
        for (var round = 0; round < 10; round++)
        {
            var result = await UntracedPoll.RunAsync(() => _redis.StreamAutoClaimAsync(
                table.Stream, PersistenceStreams.ConsumerGroup, _options.ConsumerName, _options.ClaimIdleTimeMs, start, _options.BatchSize));
            var claimed = result.ClaimedEntries.Where(e => !e.IsNull).ToList();
            if (claimed.Count > 0)
            {
                metrics.Reclaimed(table.Stream, claimed.Count);
                Log.Reclaimed(logger, table.Stream, claimed.Count);
                await ProcessRedeliveredAsync(claimed, cancellationToken);
            }

            start = result.NextStartId;
            if (start == "0-0")
            {
                return;
            }
        }
    }

    /// <summary>
    /// Processes entries that reached this consumer again (resumed after a restart, or taken over from another),
    /// dead-lettering those delivered more than MaxDeliveries times: an entry that kills every worker that reads it
    /// would otherwise crash-loop them for ever.
    /// </summary>
    private async Task ProcessRedeliveredAsync(IReadOnlyList<StreamEntry> entries, CancellationToken cancellationToken)
    {
        if (entries.Count == 0)
        {
            return;
        }

        var deliveries = (await UntracedPoll.RunAsync(() => _redis.StreamPendingMessagesAsync(
                table.Stream, PersistenceStreams.ConsumerGroup, entries.Count, _options.ConsumerName, entries.Min(e => StreamId.Parse(e.Id)).ToString(), entries.Max(e => StreamId.Parse(e.Id)).ToString())))
            .ToDictionary(p => p.MessageId.ToString(), p => p.DeliveryCount);

        var process = new List<StreamEntry>(entries.Count);
        foreach (var entry in entries)
        {
            if (deliveries.TryGetValue(entry.Id.ToString(), out var count) && count > _options.MaxDeliveries)
            {
                await DeadLetterAsync(FlushItem<TRecord>.Decode(entry, table), $"Delivered {count} times without a commit; it may crash workers.", count, cancellationToken);
            }
            else
            {
                process.Add(entry);
            }
        }

        await ProcessAsync(process, cancellationToken);
    }

    /// <summary>Drops entries every consumer has acknowledged, so the stream holds only the un-flushed backlog.</summary>
    private async Task TrimAsync()
    {
        var group = (await _redis.StreamGroupInfoAsync(table.Stream)).FirstOrDefault(g => g.Name == PersistenceStreams.ConsumerGroup);
        if (group.Name is null || !StreamId.TryParse(group.LastDeliveredId, out var delivered))
        {
            return;
        }

        var keepFrom = delivered.Next();
        if (group.PendingMessageCount > 0)
        {
            var pending = await _redis.StreamPendingAsync(table.Stream, PersistenceStreams.ConsumerGroup);
            if (StreamId.TryParse(pending.LowestPendingMessageId, out var lowest) && lowest < keepFrom)
            {
                keepFrom = lowest;
            }
        }

        var removed = await _redis.StreamTrimByMinIdAsync(table.Stream, keepFrom.ToString());
        if (removed > 0)
        {
            Log.Trimmed(logger, table.Stream, removed, keepFrom.ToString());
        }
    }

    private static Activity? StartBatchActivity(List<FlushItem<TRecord>> items, string stream)
    {
        // The first record's request is the parent, so the MySQL spans appear under it; the others are linked.
        var parent = items[0].Parent;
        var links = items.Skip(1)
            .Select(i => i.Parent)
            .Where(p => p != default && p.TraceId != parent.TraceId)
            .Distinct()
            .Take(MaxTraceLinks)
            .Select(p => new ActivityLink(p));
        var activity = PersistenceTelemetry.Streams.StartActivity(ActivityKind.Consumer, parent, links: links, name: $"process {stream}");
        activity?.SetTag(PersistenceTelemetry.Tags.MessagingSystem, "redis");
        activity?.SetTag(PersistenceTelemetry.Tags.Destination, stream);
        activity?.SetTag(PersistenceTelemetry.Tags.Operation, "process");
        activity?.SetTag(PersistenceTelemetry.Tags.ConsumerGroup, PersistenceStreams.ConsumerGroup);
        activity?.SetTag(PersistenceTelemetry.Tags.BatchCount, items.Count);
        return activity;
    }
}
