using StackExchange.Redis;

namespace Translation.Worker.Flushing;

/// <summary>
/// Turns a read into row writes: decodes every record of the delivered entries, dead-letters those that can never be
/// stored (undecodable, or delivered more than MaxDeliveries times without a verdict, since such an entry likely
/// crashes every worker that reads it), keeps the newest state of each key (<see cref="Coalescer"/>), commits the
/// winners in <see cref="FlushOptions.WriteLanes"/> lanes split by key, and acknowledges each entry once every record
/// in it is committed, superseded by a committed state, or dead-lettered.
/// </summary>
internal sealed class BatchProcessor<TRecord>(
    RecordTable<TRecord> table,
    string stream,
    BatchCommitter<TRecord> committer,
    StreamAcknowledger acknowledger,
    DeadLetterWriter deadLetters,
    DeliveryLedger ledger,
    FlushMetrics metrics,
    TimeProvider time,
    FlushOptions options,
    ILogger logger)
    where TRecord : class
{
    /// <summary>Below this many rows a second lane costs a transaction more than it saves.</summary>
    private const int MinLaneRows = 100;

    /// <summary>Entries read as new: this is their first delivery.</summary>
    public Task ProcessNewAsync(IReadOnlyList<StreamEntry> entries, CancellationToken cancellationToken) =>
        ProcessAsync(entries, static _ => 1, cancellationToken);

    /// <summary>Entries that reached this consumer again: resumed after a restart, or taken over from another.</summary>
    public async Task ProcessRedeliveredAsync(IReadOnlyList<StreamEntry> entries, CancellationToken cancellationToken)
    {
        if (entries.Count == 0)
        {
            return;
        }

        var deliveries = await ledger.CountAsync(entries);
        await ProcessAsync(entries, id => deliveries.GetValueOrDefault(id, 1), cancellationToken);
    }

    private async Task ProcessAsync(IReadOnlyList<StreamEntry> entries, Func<string, long> deliveriesOf, CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        var settled = new List<StreamEntry>(entries.Count);
        var tally = new FlushTally();
        var items = new List<FlushItem<TRecord>>(entries.Count);
        foreach (var entry in entries)
        {
            if (entry.IsNull || entry.Values.Length == 0)
            {
                // Deleted from the stream by someone else while pending: there is nothing left to write.
                Log.EntryVanished(logger, stream, entry.Id.ToString());
                await acknowledger.AcknowledgeVanishedAsync(entry.Id, cancellationToken);
                continue;
            }

            settled.Add(entry);
            var deliveries = deliveriesOf(entry.Id.ToString());
            foreach (var decoded in FlushItem<TRecord>.DecodeAll(entry, table))
            {
                var item = decoded with { Deliveries = deliveries };
                var problem = item.Problem
                    ?? (deliveries > options.MaxDeliveries ? $"Delivered {deliveries} times without a commit; it may crash workers." : null);
                if (problem is null)
                {
                    items.Add(item);
                }
                else if (!await deadLetters.DeadLetterAsync(item, problem, cancellationToken))
                {
                    tally.Unsettled.Add(entry.Id);
                }
            }
        }

        if (items.Count > 0)
        {
            using var activity = BatchActivity.Start(items, stream);
            var lanes = Lanes(await DecodeWinnersAsync(Coalescer.Coalesce(items, table), tally, cancellationToken));
            foreach (var lane in await Task.WhenAll(lanes.Select(lane => committer.CommitOrIsolateAsync(lane, cancellationToken))))
            {
                tally.Add(lane);
            }
        }

        settled.RemoveAll(entry => tally.Unsettled.Contains(entry.Id));
        var elapsed = time.GetElapsedTime(started);
        await acknowledger.AcknowledgeAsync(settled, tally.Applied + tally.Superseded, elapsed, cancellationToken);
        if (tally.Applied + tally.Superseded > 0)
        {
            metrics.Committed(stream, tally.Applied, tally.Superseded, elapsed);
            Log.BatchCommitted(logger, stream, tally.Applied, tally.Superseded, elapsed.TotalMilliseconds);
        }
    }

    /// <summary>
    /// Decodes each winner in full, the only states that are; one that cannot be decoded goes to the dead letters with
    /// the states it superseded, as one MySQL rejects does.
    /// </summary>
    private async Task<List<KeyStates<TRecord>>> DecodeWinnersAsync(List<KeyStates<TRecord>> winners, FlushTally tally, CancellationToken cancellationToken)
    {
        var writable = new List<KeyStates<TRecord>>(winners.Count);
        foreach (var states in winners)
        {
            states.Decode(table);
            if (states.Winner.Problem is { } problem)
            {
                await committer.DeadLetterAsync(states, problem, tally, cancellationToken);
            }
            else
            {
                writable.Add(states);
            }
        }

        return writable;
    }

    /// <summary>
    /// Splits the winners by a hash of their key, so lanes never share a row, and sorts each lane by key: every writer
    /// locks rows in the same order, so lanes and other flushers never deadlock on each other.
    /// </summary>
    private List<List<KeyStates<TRecord>>> Lanes(List<KeyStates<TRecord>> winners)
    {
        if (winners.Count == 0)
        {
            return [];
        }

        var count = Math.Max(1, Math.Min(options.WriteLanes, winners.Count / MinLaneRows));
        var lanes = Enumerable.Range(0, count).Select(_ => new List<KeyStates<TRecord>>(winners.Count / count)).ToList();
        foreach (var states in winners)
        {
            lanes[count == 1 ? 0 : (int)((uint)StringComparer.Ordinal.GetHashCode(states.Key) % (uint)count)].Add(states);
        }

        foreach (var lane in lanes)
        {
            lane.Sort((a, b) => string.CompareOrdinal(a.Key, b.Key));
        }

        return lanes;
    }
}
