using System.Text.Json;

namespace Persistence.Api.Ingest;

/// <summary>
/// The bytes of each item of a batch's items array, exactly as the client sent them. The batch they come from has
/// already been deserialized whole (with <see cref="IngestJson"/>: no property twice) and checked by
/// <see cref="Persistence.Contracts.BatchBody"/> (one reading, no byte order mark, each top-level property once), so
/// each range is the very text the serializer turned into the validated record, and the worker, deserializing it
/// with the same contract, gets that record back.
/// </summary>
public static class RawItems
{
    /// <summary>One copy per item of <paramref name="property"/> (matched unescaped, as the serializer matches it).</summary>
    public static byte[][] Capture(ReadOnlySpan<byte> body, string property)
    {
        var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = 64 });
        reader.Read();
        var items = new List<byte[]>();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var wanted = reader.ValueTextEquals(property);
            reader.Read();
            if (!wanted || reader.TokenType != JsonTokenType.StartArray)
            {
                reader.Skip();
                continue;
            }

            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                var start = (int)reader.TokenStartIndex;
                reader.Skip();
                items.Add(body[start..(int)reader.BytesConsumed].ToArray());
            }
        }

        return [.. items];
    }
}
