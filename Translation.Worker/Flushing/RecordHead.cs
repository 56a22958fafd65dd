using System.Text.Json;
using Persistence.Contracts;

namespace Translation.Worker.Flushing;

/// <summary>
/// What coalescing needs of a record, read without decoding it: its key, the timestamp of its row version, and its
/// status for the metrics. Of the states of one key only the winner is decoded in full; the API validated every
/// record before appending it, so a full decode of the others would only confirm what is already known. Anything this
/// reader does not understand (a property escaped or not a string, a timestamp out of form) sends the record down the
/// full decode, which decides as it always has.
/// </summary>
internal static class RecordHead
{
    private static readonly Rfc3339TimestampConverter Timestamps = new();
    private static readonly byte[] StatusProperty = "status"u8.ToArray();

    public static bool TryRead<TRecord>(ReadOnlySpan<byte> json, RecordTable<TRecord> table, out string key, out DateTimeOffset version, out string? status)
        where TRecord : class
    {
        (key, version, status) = (null!, default, null);
        var (hasKey, hasVersion) = (false, false);
        try
        {
            var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 64 });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueIsEscaped)
                {
                    return false;
                }

                var property = reader.ValueSpan;
                reader.Read();
                if (property.SequenceEqual(table.KeyProperty) && reader.TokenType == JsonTokenType.String)
                {
                    key = reader.GetString()!;
                    hasKey = true;
                }
                else if (property.SequenceEqual(table.VersionProperty) && reader.TokenType == JsonTokenType.String)
                {
                    version = Timestamps.Read(ref reader, typeof(DateTimeOffset), JsonSerializerOptions.Default);
                    hasVersion = true;
                }
                else if (property.SequenceEqual(StatusProperty) && reader.TokenType == JsonTokenType.String)
                {
                    status = reader.GetString();
                }
                else
                {
                    reader.Skip();
                }
            }

            return hasKey && hasVersion && reader.TokenType == JsonTokenType.EndObject;
        }
        catch (JsonException)
        {
            return false;
        }
        catch (InvalidOperationException)
        {
            // GetString on ill-formed UTF-16 escapes: the full decode names the problem.
            return false;
        }
    }
}
