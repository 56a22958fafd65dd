using System.Buffers;
using System.Text.Json;
using System.Text.Unicode;

namespace Persistence.Contracts;

/// <summary>
/// What <see cref="BatchBody.Read"/> found: the items, or why the body has no one reading. For
/// <see cref="BatchBodyProblem.IllFormedText"/>, <see cref="Property"/> names the field (the item's own field when
/// <see cref="Index"/> names an item) and <see cref="Index"/> the item.
/// </summary>
public readonly record struct BatchBodyReading(long Items, BatchBodyProblem Problem, string? Property = null, int? Index = null);

/// <summary>
/// The one reading of a batch body that the gateway charges by and the API stores by: one JSON object in UTF-8
/// without a byte order mark, each top-level property once, its records the items of its top-level arrays (a batch
/// the API accepts has exactly one property, its items array). Anything the two could read differently is refused
/// rather than guessed at. Reads without building anything, so a limit on items holds before a batch is built.
/// Every string and property name must be well-formed Unicode (valid UTF-8, no lone surrogate escape such as
/// <c>"\ud800"</c>): such text cannot be turned into a .NET string, a MySQL JSON column or a hash, so it is refused
/// here, where a 400 can still name it, and not found later by a read or the worker.
/// </summary>
public static class BatchBody
{
    /// <summary>Why a field holding ill-formed text is refused, in the gateway's and the API's 400 alike.</summary>
    public const string IllFormedTextMessage =
        "holds text that is not well-formed Unicode (bytes that are not UTF-8, or an escaped surrogate such as \\ud800 without its pair); send UTF-8 text.";

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
                if (!IsWellFormed(ref reader))
                {
                    return new(items, BatchBodyProblem.IllFormedText, "");
                }

                // Unescaped, as the serializer matches names: "t\u0061sks" is "tasks".
                var name = reader.GetString()!;
                if (!names.Add(name))
                {
                    return new(items, BatchBodyProblem.DuplicateProperty, name);
                }

                reader.Read();
                if (reader.TokenType != JsonTokenType.StartArray)
                {
                    if (!SkipWellFormed(ref reader, out _))
                    {
                        return new(items, BatchBodyProblem.IllFormedText, name);
                    }

                    continue;
                }

                var index = 0;
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    if (++items > maxItems)
                    {
                        return new(items, BatchBodyProblem.TooManyItems, name);
                    }

                    if (!SkipWellFormed(ref reader, out var field))
                    {
                        return new(items, BatchBodyProblem.IllFormedText, field ?? "", index);
                    }

                    index++;
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

    /// <summary>
    /// Skips the value the reader is on, as <see cref="Utf8JsonReader.Skip"/> does, checking every string and property
    /// name in it. False when one is ill-formed; <paramref name="field"/> then names the property of the value (an
    /// object) it was found under, or is null when it is the value itself or one of the value's own property names.
    /// </summary>
    private static bool SkipWellFormed(ref Utf8JsonReader reader, out string? field)
    {
        field = null;
        if (reader.TokenType is not (JsonTokenType.StartObject or JsonTokenType.StartArray))
        {
            return reader.TokenType != JsonTokenType.String || IsWellFormed(ref reader);
        }

        var depth = reader.CurrentDepth;
        var isObject = reader.TokenType == JsonTokenType.StartObject;
        while (reader.Read() && reader.CurrentDepth > depth)
        {
            if (reader.TokenType is not (JsonTokenType.String or JsonTokenType.PropertyName))
            {
                continue;
            }

            if (!IsWellFormed(ref reader))
            {
                if (reader.TokenType == JsonTokenType.PropertyName && reader.CurrentDepth == depth + 1)
                {
                    field = null;
                }

                return false;
            }

            if (isObject && reader.TokenType == JsonTokenType.PropertyName && reader.CurrentDepth == depth + 1)
            {
                field = reader.GetString();
            }
        }

        field = null;
        return true;
    }

    /// <summary>Whether the string or property name the reader is on is valid UTF-8 once its escapes are undone.</summary>
    private static bool IsWellFormed(ref Utf8JsonReader reader)
    {
        if (!reader.ValueIsEscaped)
        {
            return Utf8.IsValid(reader.ValueSpan);
        }

        // Undoing escapes never lengthens the text.
        var length = reader.ValueSpan.Length;
        byte[]? rented = null;
        Span<byte> unescaped = length <= 256 ? stackalloc byte[256] : (rented = ArrayPool<byte>.Shared.Rent(length));
        try
        {
            var written = reader.CopyString(unescaped);
            return Utf8.IsValid(unescaped[..written]);
        }
        catch (InvalidOperationException)
        {
            // A lone or reversed surrogate escape ("\ud800", "\udc00\ud800") has no UTF-8 form.
            return false;
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }
}
