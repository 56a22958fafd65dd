using MySqlConnector;
using Persistence.Contracts;

namespace Translation.Worker.Flushing;

/// <summary>
/// Writes a batch to MySQL in one transaction and acknowledges it only after the commit. A record MySQL rejects for
/// its data is isolated by halving the batch and dead-lettered alone, so it never holds back the others; an outage
/// is retried for as long as it lasts, without counting against the entries.
/// </summary>
internal sealed class BatchCommitter<TRecord>(
    string stream,
    UpsertWriter<TRecord> writer,
    MySqlDataSource dataSource,
    StreamAcknowledger acknowledger,
    DeliveryLedger ledger,
    RedisRetry retry,
    FlushMetrics metrics,
    StorageMetrics storage,
    TimeProvider time,
    FlushOptions options,
    ILogger logger)
    where TRecord : class
{
    private readonly RecordColumn<TRecord>? _status = writer.Table.Columns.FirstOrDefault(c => c.Name == "status");

    public async Task CommitOrIsolateAsync(List<FlushItem<TRecord>> items, CancellationToken cancellationToken)
    {
        var attempt = 0;
        while (true)
        {
            var started = time.GetTimestamp();
            try
            {
                await CommitAsync(items, cancellationToken);
                var elapsed = time.GetElapsedTime(started);
                await acknowledger.AcknowledgeAsync([.. items.Select(i => i.Entry.Id)], elapsed, cancellationToken);
                metrics.Committed(stream, items.Count, elapsed);
                metrics.CommittedStatuses(stream, items.Select(i => _status?.Value(i.Record!) as string));
                Log.BatchCommitted(logger, stream, items.Count, elapsed.TotalMilliseconds);
                return;
            }
            catch (MySqlException ex) when (IsRejectedData(ex))
            {
                if (items.Count == 1)
                {
                    await acknowledger.DeadLetterAsync(items[0].Entry, $"MySQL rejected the record: {ex.Message}", items[0].Deliveries, cancellationToken);
                    return;
                }

                Log.IsolatingRejectedRecord(logger, stream, items.Count, ex.Message);
                var half = items.Count / 2;
                await CommitOrIsolateAsync(items.Take(half).ToList(), cancellationToken);
                await CommitOrIsolateAsync(items.Skip(half).ToList(), cancellationToken);
                return;
            }
            catch (Exception ex) when (ex is MySqlException or InvalidOperationException or TimeoutException or IOException
                                       && !cancellationToken.IsCancellationRequested)
            {
                // MySQL is down, refusing writes, or timing out: nothing was committed, nothing is acknowledged.
                attempt++;
                metrics.Retried(stream);
                if (await ledger.ExcuseAsync(items) == 0)
                {
                    // Taken over while this consumer was stalled: the new holder commits them.
                    Log.BatchTakenOver(logger, stream, items.Count);
                    return;
                }

                var delay = retry.Backoff(attempt);
                Log.CommitRetry(logger, stream, items.Count, attempt, delay.TotalMilliseconds, ex);
                await Task.Delay(delay, time, cancellationToken);
            }
        }
    }

    private async Task CommitAsync(List<FlushItem<TRecord>> items, CancellationToken cancellationToken)
    {
        await storage.MeasureAsync(StorageMetrics.MySql, "upsert", async () =>
        {
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            await writer.WriteAsync(connection, transaction, items, options.MaxStatementBytes, cancellationToken);
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
}
