using System.Diagnostics;
using System.Text.Json;
using Persistence.Contracts;
using StackExchange.Redis;

namespace Translation.Worker.Flushing;

/// <summary>
/// One record of a stream entry on its way to MySQL: the entry's id, the record's place in the entry, its key and row
/// version (or why it cannot be stored). An entry holds one record (the format before batch entries) or the items one
/// request sent to one shard. The record itself is decoded only once it wins its key (<see cref="Materialize"/>).
/// </summary>
public sealed record FlushItem<TRecord>(StreamId Id, StreamEntry Entry, string? Key, byte[] RowVersion, int Size, ActivityContext Parent, string? Problem)
    where TRecord : class
{
    /// <summary>The decoded record: set by <see cref="Materialize"/>, or where reading only its head did not do.</summary>
    public TRecord? Record { get; init; }

    /// <summary>The record's status, for the metrics; null where it has none.</summary>
    public string? Status { get; init; }

    /// <summary>Deliveries of the entry so far, this one included; over MaxDeliveries it is taken for poison.</summary>
    public long Deliveries { get; init; } = 1;

    /// <summary>The record's place in its entry's items; 0 in a single-record entry.</summary>
    public int Index { get; init; }

    /// <summary>The record's bytes as appended; empty when the whole entry is unreadable.</summary>
    public ReadOnlyMemory<byte> Raw { get; init; }

    /// <summary>Decodes every record of an entry; a record that cannot be stored carries a <see cref="Problem"/> instead.</summary>
    internal static List<FlushItem<TRecord>> DecodeAll(StreamEntry entry, RecordTable<TRecord> table)
    {
        var items = entry[PersistenceStreams.Fields.Records];
        if (items.IsNull)
        {
            return [Decode(entry, table)];
        }

        var id = StreamId.Parse(entry.Id);
        var parent = ParseParent(entry);
        byte[] array = items!;
        var decoded = new List<FlushItem<TRecord>>();
        try
        {
            var index = 0;
            foreach (var range in EntryItems.Split(array))
            {
                decoded.Add(Decode(array.AsMemory(range), id, entry, parent, table) with { Index = index++ });
            }
        }
        catch (JsonException ex)
        {
            return [new(id, entry, null, [], array.Length, parent, $"The entry's records are not a JSON array: {ex.Message}")];
        }

        return decoded;
    }

    /// <summary>Decodes a single-record entry.</summary>
    internal static FlushItem<TRecord> Decode(StreamEntry entry, RecordTable<TRecord> table)
    {
        var id = StreamId.Parse(entry.Id);
        var parent = ParseParent(entry);
        var raw = entry[PersistenceStreams.Fields.Record];
        if (raw.IsNull)
        {
            return new(id, entry, null, [], 0, parent, "The entry has no record field.");
        }

        byte[] json = raw!;
        return Decode(json, id, entry, parent, table);
    }

    private static FlushItem<TRecord> Decode(ReadOnlyMemory<byte> json, StreamId id, StreamEntry entry, ActivityContext parent, RecordTable<TRecord> table)
    {
        if (RecordHead.TryRead(json.Span, table, out var key, out var updatedAt, out var status))
        {
            return new(id, entry, key, Flushing.RowVersion.Create(updatedAt, ArrivalOf(entry, id)), json.Length, parent, null) { Raw = json, Status = status };
        }

        var (record, problem) = DecodeRecord(json, table);
        if (record is null)
        {
            return new(id, entry, null, [], json.Length, parent, problem) { Raw = json };
        }

        return new(id, entry, table.Key(record), Flushing.RowVersion.Create(table.UpdatedAt(record)!.Value, ArrivalOf(entry, id)), json.Length, parent, null)
        {
            Raw = json,
            Record = record,
            Status = table.StatusColumn?.Value(record) as string,
        };
    }

    /// <summary>This item with its record decoded in full, or with the <see cref="Problem"/> that prevents it.</summary>
    internal FlushItem<TRecord> Materialize(RecordTable<TRecord> table)
    {
        if (Record is not null || Problem is not null)
        {
            return this;
        }

        var (record, problem) = DecodeRecord(Raw, table);
        return this with { Record = record, Problem = problem };
    }

    private static (TRecord? Record, string? Problem) DecodeRecord(ReadOnlyMemory<byte> json, RecordTable<TRecord> table)
    {
        TRecord? record;
        try
        {
            record = JsonSerializer.Deserialize(json.Span, table.TypeInfo);
        }
        catch (JsonException ex)
        {
            return (null, $"The record is not valid JSON for {table.TableName}: {ex.Message}");
        }

        return record is null || table.Key(record) is null || table.UpdatedAt(record) is null
            ? (null, "The record lacks its key or updated_at.")
            : (record, null);
    }

    /// <summary>A replayed dead letter ranks by when it first arrived, never later than its own entry.</summary>
    private static StreamId ArrivalOf(StreamEntry entry, StreamId id) =>
        StreamId.TryParse((string?)entry[PersistenceStreams.Fields.ArrivedAs], out var arrived) && arrived < id ? arrived : id;

    private static ActivityContext ParseParent(StreamEntry entry)
    {
        var traceParent = entry[PersistenceStreams.Fields.TraceParent];
        if (traceParent.IsNullOrEmpty)
        {
            return default;
        }

        var traceState = entry[PersistenceStreams.Fields.TraceState];
        return ActivityContext.TryParse(traceParent.ToString(), traceState.IsNullOrEmpty ? null : traceState.ToString(), out var context)
            ? context
            : default;
    }
}
