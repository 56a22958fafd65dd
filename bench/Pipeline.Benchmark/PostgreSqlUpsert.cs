using System.Text.Json;
using Npgsql;
using Persistence.Contracts;
using Translation.Worker.Flushing;

namespace Pipeline.Benchmark;

/// <summary>
/// The worker's PostgreSQL upsert, through the worker's own writer (<see cref="FlusherFactory.WriterFor"/>) into a
/// scratch copy of translation_tasks: unlike MySQL's ceiling (<see cref="Upsert"/>), whose statement is written out
/// again, this one cannot drift from the flush path's, and it splits statements at the worker's default size.
/// </summary>
public sealed class PostgreSqlUpsert
{
    private readonly UpsertWriter<TaskRecord> _writer;
    private readonly int _maxStatementBytes = new FlushOptions().MaxStatementBytes;
    private long _arrival;

    public PostgreSqlUpsert(string table)
    {
        Table = table;
        var tasks = RecordTables.Tasks;
        _writer = FlusherFactory.WriterFor(
            StorageBackends.PostgreSql,
            new RecordTable<TaskRecord>(table, tasks.Stream, tasks.TypeInfo, tasks.Key, tasks.UpdatedAt, tasks.Columns, tasks.InsertOnly));
    }

    public string Table { get; }

    /// <summary>An empty copy of translation_tasks with its key and indexes, which the upsert's work includes.</summary>
    public async Task CreateScratchTableAsync(NpgsqlConnection connection)
    {
        await using var command = new NpgsqlCommand($"DROP TABLE IF EXISTS {Table}; CREATE TABLE {Table} (LIKE translation_tasks INCLUDING ALL)", connection);
        await command.ExecuteNonQueryAsync();
    }

    public async Task DropAsync(NpgsqlConnection connection)
    {
        await using var command = new NpgsqlCommand($"DROP TABLE IF EXISTS {Table}", connection);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>
    /// <paramref name="count"/> new records as the flusher holds them after coalescing: decoded from the JSON a back
    /// end sends, one winner per key, versioned by updated_at and a stream entry id.
    /// </summary>
    public List<KeyStates<TaskRecord>> States(Payloads payloads, int count)
    {
        var states = new List<KeyStates<TaskRecord>>(count);
        for (var i = 0; i < count; i++)
        {
            var json = payloads.Record();
            var record = JsonSerializer.Deserialize(json, PersistenceJsonContext.Default.TaskRecord)!;
            var entry = new StreamId((ulong)DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), (ulong)Interlocked.Increment(ref _arrival));
            var version = RowVersion.Create(record.UpdatedAt!.Value, entry);
            states.Add(new(record.TaskId!, new FlushItem<TaskRecord>(entry, default, record.TaskId, version, json.Length, default, null) { Record = record }));
        }

        return states;
    }

    /// <summary>One transaction, as the worker's BatchCommitter commits a batch.</summary>
    public async Task WriteAsync(NpgsqlConnection connection, IReadOnlyList<KeyStates<TaskRecord>> states)
    {
        await using var transaction = await connection.BeginTransactionAsync();
        await _writer.WriteAsync(connection, transaction, states, _maxStatementBytes, CancellationToken.None);
        await transaction.CommitAsync();
    }
}
