using System.Text.Json;
using StackExchange.Redis;

namespace Persistence.Contracts;

/// <summary>
/// The records of a batch entry: one stream entry per request and shard, its <see cref="PersistenceStreams.Fields.Records"/>
/// field a JSON array of the items that request sent to that shard, each exactly as the client sent it, and its
/// <see cref="PersistenceStreams.Fields.Count"/> field their number, so the backlog counts records without reading
/// them. An entry with a <see cref="PersistenceStreams.Fields.Record"/> field instead holds one record: the format
/// before batch entries, which the worker still drains.
/// </summary>
public static class EntryItems
{
    /// <summary>The array of <paramref name="items"/>, which are JSON values.</summary>
    public static byte[] Join(IReadOnlyList<byte[]> items)
    {
        var length = 2 + items.Sum(i => i.Length) + Math.Max(0, items.Count - 1);
        var array = new byte[length];
        array[0] = (byte)'[';
        var at = 1;
        for (var i = 0; i < items.Count; i++)
        {
            if (i > 0)
            {
                array[at++] = (byte)',';
            }

            items[i].CopyTo(array, at);
            at += items[i].Length;
        }

        array[at] = (byte)']';
        return array;
    }

    /// <summary>Where each item of the array lies; throws <see cref="JsonException"/> when it is no JSON array.</summary>
    public static List<Range> Split(ReadOnlySpan<byte> array)
    {
        var reader = new Utf8JsonReader(array, new JsonReaderOptions { MaxDepth = 64 });
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartArray)
        {
            throw new JsonException("Expected a JSON array.");
        }

        var ranges = new List<Range>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            var start = (int)reader.TokenStartIndex;
            reader.Skip();
            ranges.Add(start..(int)reader.BytesConsumed);
        }

        return ranges;
    }

    /// <summary>The records an entry holds: its count field, or one for an entry of the single-record format.</summary>
    public static long CountOf(StreamEntry entry) => CountField(entry) ?? 1;

    /// <summary>The record count a batch entry states in its count field; null for an entry of the single-record format.</summary>
    public static long? CountField(StreamEntry entry) =>
        !entry.IsNull && entry.Values is not null
        && entry[PersistenceStreams.Fields.Count] is { IsNull: false } count && count.TryParse(out long n) ? n : null;
}
