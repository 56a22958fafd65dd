using System.Diagnostics;
using System.Text.Json;
using Persistence.Contracts;
using StackExchange.Redis;

namespace Translation.Worker.Flushing;

/// <summary>
/// One record of a stream entry on its way to MySQL: the entry's id, the record's place in the entry, the decoded
/// record (or why it could not be decoded). An entry holds one record (the format before batch entries) or the
/// items one request sent to one shard.
/// </summary>
public sealed record FlushItem<TRecord>(StreamId Id, StreamEntry Entry, TRecord? Record, byte[] RowVersion, int Size, ActivityContext Parent, string? Problem)
    where TRecord : class
{
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
        TRecord? record;
        try
        {
            record = JsonSerializer.Deserialize(json.Span, table.TypeInfo);
        }
        catch (JsonException ex)
        {
            return new(id, entry, null, [], json.Length, parent, $"The record is not valid JSON for {table.TableName}: {ex.Message}") { Raw = json };
        }

        if (record is null || table.Key(record) is null || table.UpdatedAt(record) is not { } updatedAt)
        {
            return new(id, entry, null, [], json.Length, parent, "The record lacks its key or updated_at.") { Raw = json };
        }

        return new(id, entry, record, Flushing.RowVersion.Create(updatedAt, ArrivalOf(entry, id)), json.Length, parent, null) { Raw = json };
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
