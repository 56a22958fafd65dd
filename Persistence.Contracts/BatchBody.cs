using System.Text.Json;

namespace Persistence.Contracts;

/// <summary>What <see cref="BatchBody.Read"/> found: the items, or why the body has no one reading.</summary>
public readonly record struct BatchBodyReading(long Items, BatchBodyProblem Problem, string? Property = null);

/// <summary>
/// The one reading of a batch body that the gateway charges by and the API stores by: one JSON object in UTF-8
/// without a byte order mark, each top-level property once, its records the items of its top-level arrays (a batch
/// the API accepts has exactly one property, its items array). Anything the two could read differently is refused
/// rather than guessed at. Reads without building anything, so a limit on items holds before a batch is built.
/// </summary>
public static class BatchBody
{
    private static ReadOnlySpan<byte> Utf8ByteOrderMark => [0xEF, 0xBB, 0xBF];

    public static BatchBodyReading Read(ReadOnlySpan<byte> body, long maxItems = long.MaxValue)
    {
        if (body.StartsWith(Utf8ByteOrderMark))
        {
            return new(0, BatchBodyProblem.ByteOrderMark);
        }

        try
        {
            var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = 64 });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return new(0, BatchBodyProblem.Malformed);
            }

            var names = new HashSet<string>(StringComparer.Ordinal);
            long items = 0;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                // Unescaped, as the serializer matches names: "t\u0061sks" is "tasks".
                var name = reader.GetString()!;
                if (!names.Add(name))
                {
                    return new(items, BatchBodyProblem.DuplicateProperty, name);
                }

                reader.Read();
                if (reader.TokenType != JsonTokenType.StartArray)
                {
                    reader.Skip();
                    continue;
                }

                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    if (++items > maxItems)
                    {
                        return new(items, BatchBodyProblem.TooManyItems, name);
                    }

                    reader.Skip();
                }
            }

            // Past the root object only whitespace may follow; the reader throws on anything else.
            if (reader.TokenType != JsonTokenType.EndObject || reader.Read())
            {
                return new(0, BatchBodyProblem.Malformed);
            }

            return new(items, BatchBodyProblem.None);
        }
        catch (JsonException)
        {
            return new(0, BatchBodyProblem.Malformed);
        }
    }
}
