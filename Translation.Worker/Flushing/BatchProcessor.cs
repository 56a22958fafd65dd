using StackExchange.Redis;

namespace Translation.Worker.Flushing;

/// <summary>
/// Turns delivered entries into a batch for the committer: decodes them, dead-letters those that can never be
/// stored (undecodable, or delivered more than MaxDeliveries times without a verdict, since such an entry likely
/// crashes every worker that reads it), and settles entries deleted from the stream while pending.
/// </summary>
internal sealed class BatchProcessor<TRecord>(
    RecordTable<TRecord> table,
    string stream,
    BatchCommitter<TRecord> committer,
    StreamAcknowledger acknowledger,
    DeliveryLedger ledger,
    FlushOptions options,
    ILogger logger)
    where TRecord : class
{
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

            var item = FlushItem<TRecord>.Decode(entry, table) with { Deliveries = deliveriesOf(entry.Id.ToString()) };
            if (item.Problem is { } problem)
            {
                await acknowledger.DeadLetterAsync(entry, problem, item.Deliveries, cancellationToken);
            }
            else if (item.Deliveries > options.MaxDeliveries)
            {
                await acknowledger.DeadLetterAsync(entry, $"Delivered {item.Deliveries} times without a commit; it may crash workers.", item.Deliveries, cancellationToken);
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

        // Every flusher locks rows in the same (key) order, so flushers of one stream never deadlock on each other.
        items.Sort((a, b) => string.CompareOrdinal(table.Key(a.Record!), table.Key(b.Record!)));
        using var activity = BatchActivity.Start(items, stream);
        await committer.CommitOrIsolateAsync(items, cancellationToken);
    }
}
