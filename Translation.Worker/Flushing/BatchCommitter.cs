using System.Data.Common;
using Persistence.Contracts;
using Persistence.Storage;

namespace Translation.Worker.Flushing;

/// <summary>
/// Writes the winners of one write lane to the database in one transaction. A record the database rejects for its data is isolated
/// by halving the lane and dead-lettered alone, with the states it superseded, so it never holds back the others and
/// nothing it replaced is dropped silently; an outage is retried for as long as it lasts, without counting against
/// the entries. Acknowledging is the caller's, once every lane of the read is settled.
/// </summary>
internal sealed class BatchCommitter<TRecord>(
    string stream,
    UpsertWriter<TRecord> writer,
    DbDataSource dataSource,
    StorageDialect dialect,
    DeadLetterWriter deadLetters,
    DeliveryLedger ledger,
    RedisRetry retry,
    FlushMetrics metrics,
    StorageMetrics storage,
    TimeProvider time,
    FlushOptions options,
    ILogger logger)
    where TRecord : class
{
    public async Task<FlushTally> CommitOrIsolateAsync(List<KeyStates<TRecord>> states, CancellationToken cancellationToken)
    {
        var tally = new FlushTally();
        await CommitOrIsolateAsync(states, tally, cancellationToken);
        return tally;
    }

    private async Task CommitOrIsolateAsync(List<KeyStates<TRecord>> states, FlushTally tally, CancellationToken cancellationToken)
    {
        var attempt = 0;
        while (true)
        {
            try
            {
                await CommitAsync(states, cancellationToken);
                tally.Applied += states.Count;
                tally.Superseded += states.Sum(s => s.Superseded.Count);
                metrics.CommittedStatuses(stream, states.SelectMany(s => s.All).Select(i => i.Status));
                return;
            }
            catch (Exception ex) when (dialect.IsRejectedData(ex))
            {
                if (states.Count == 1)
                {
                    await DeadLetterAsync(states[0], $"{dialect.DisplayName} rejected the record: {ex.Message}", tally, cancellationToken);
                    return;
                }

                Log.IsolatingRejectedRecord(logger, stream, states.Count, ex.Message);
                var half = states.Count / 2;
                await CommitOrIsolateAsync(states[..half], tally, cancellationToken);
                await CommitOrIsolateAsync(states[half..], tally, cancellationToken);
                return;
            }
            catch (Exception ex) when (ex is DbException or InvalidOperationException or TimeoutException or IOException
                                       && !cancellationToken.IsCancellationRequested)
            {
                // The database is down, refusing writes, or timing out: nothing was committed, nothing is acknowledged.
                attempt++;
                metrics.Retried(stream);
                var held = states.SelectMany(s => s.All).ToList();
                if (await ledger.ExcuseAsync(held) == 0)
                {
                    // Taken over while this consumer was stalled: the new holder commits them.
                    Log.BatchTakenOver(logger, stream, held.Count);
                    tally.Unsettled.UnionWith(held.Select(i => i.Entry.Id));
                    return;
                }

                var delay = retry.Backoff(attempt);
                Log.CommitRetry(logger, stream, states.Count, attempt, delay.TotalMilliseconds, ex);
                await Task.Delay(delay, time, cancellationToken);
            }
        }
    }

    /// <summary>
    /// A winner that cannot be stored goes to the dead letters, and so does every state it superseded: none is dropped,
    /// and an operator who replays them gets the key's whole history back, in its order.
    /// </summary>
    public async Task DeadLetterAsync(KeyStates<TRecord> states, string reason, FlushTally tally, CancellationToken cancellationToken)
    {
        // Oldest first and the winner last: a replay appends them in this order, and between states of equal
        // version the later entry wins, so the replayed history ends where it ended here.
        var superseded = states.Superseded.ToList();
        superseded.Sort((a, b) => Coalescer.IsNewer(a, b) ? 1 : Coalescer.IsNewer(b, a) ? -1 : 0);
        foreach (var older in superseded)
        {
            var why = $"Superseded by a state of the same key that was dead-lettered ({states.Winner.Entry.Id}): {reason}";
            if (!await deadLetters.DeadLetterAsync(older, why, cancellationToken))
            {
                tally.Unsettled.Add(older.Entry.Id);
            }
        }

        if (!await deadLetters.DeadLetterAsync(states.Winner, reason, cancellationToken))
        {
            tally.Unsettled.Add(states.Winner.Entry.Id);
        }
    }

    private async Task CommitAsync(List<KeyStates<TRecord>> states, CancellationToken cancellationToken)
    {
        await storage.MeasureAsync(dialect.Backend, "upsert", async () =>
        {
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            await writer.WriteAsync(connection, transaction, states, options.MaxStatementBytes, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        });
    }
}
