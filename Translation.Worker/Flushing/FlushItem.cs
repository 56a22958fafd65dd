using System.Diagnostics;
using System.Text.Json;
using Persistence.Contracts;
using StackExchange.Redis;

namespace Translation.Worker.Flushing;

/// <summary>One stream entry on its way to MySQL: its id, the decoded record (or why it could not be decoded).</summary>
public sealed record FlushItem<TRecord>(StreamId Id, StreamEntry Entry, TRecord? Record, byte[] RowVersion, int Size, ActivityContext Parent, string? Problem)
    where TRecord : class
{
    /// <summary>Deliveries of the entry so far, this one included; over MaxDeliveries it is taken for poison.</summary>
    public long Deliveries { get; init; } = 1;

    /// <summary>Decodes an entry; a record that cannot be stored carries a <see cref="Problem"/> instead.</summary>
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
        TRecord? record;
        try
        {
            record = JsonSerializer.Deserialize(json, table.TypeInfo);
        }
        catch (JsonException ex)
        {
            return new(id, entry, null, [], json.Length, parent, $"The record is not valid JSON for {table.TableName}: {ex.Message}");
        }

        if (record is null || table.Key(record) is null || table.UpdatedAt(record) is not { } updatedAt)
        {
            return new(id, entry, null, [], json.Length, parent, "The record lacks its key or updated_at.");
        }

        return new(id, entry, record, Flushing.RowVersion.Create(updatedAt, ArrivalOf(entry, id)), json.Length, parent, null);
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
