using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Persistence.Api.Translations;

/// <summary>
/// Content hashes and job ids derived from what was asked, never from when or by whom, so that the same request sent
/// again (by a retrying client, or by another replica) names the same rows and registers nothing new.
/// </summary>
public static class TranslationKeys
{
    /// <summary>Characters of a job id: 128 bits of SHA-256 in lowercase hex.</summary>
    public const int JobIdLength = 32;

    /// <summary>SHA-256 (hex) of the source language, the text and the canonical context.</summary>
    public static string ContentHash(string sourceLang, string text, JsonElement? context) =>
        Hash([sourceLang, text, CanonicalJson(context)]);

    /// <summary>True when <paramref name="value"/> has the shape of a job id (so it can name a row at all).</summary>
    public static bool IsJobId(string value) =>
        value.Length == JobIdLength && value.All(c => char.IsAsciiDigit(c) || c is >= 'a' and <= 'f');

    public static string JobId(string businessId, string contentHash, string targetLang) =>
        Hash([businessId, contentHash, targetLang])[..JobIdLength];

    /// <summary>
    /// Objects with members sorted by ordinal name, no whitespace, numbers as written: two contexts that differ only
    /// in member order or spacing hash alike. Null and an absent context are the same.
    /// </summary>
    public static string CanonicalJson(JsonElement? element)
    {
        if (element is not { ValueKind: not JsonValueKind.Null and not JsonValueKind.Undefined } value)
        {
            return "";
        }

        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            Write(writer, value);
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void Write(Utf8JsonWriter writer, JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                writer.WriteStartObject();
                foreach (var property in element.EnumerateObject().OrderBy(p => p.Name, StringComparer.Ordinal))
                {
                    writer.WritePropertyName(property.Name);
                    Write(writer, property.Value);
                }

                writer.WriteEndObject();
                break;
            case JsonValueKind.Array:
                writer.WriteStartArray();
                foreach (var item in element.EnumerateArray())
                {
                    Write(writer, item);
                }

                writer.WriteEndArray();
                break;
            default:
                element.WriteTo(writer);
                break;
        }
    }

    // Each part is length-prefixed, so ("ab", "c") and ("a", "bc") cannot collide.
    private static string Hash(ReadOnlySpan<string> parts)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Span<byte> length = stackalloc byte[4];
        foreach (var part in parts)
        {
            var bytes = Encoding.UTF8.GetBytes(part);
            BinaryPrimitives.WriteInt32BigEndian(length, bytes.Length);
            hash.AppendData(length);
            hash.AppendData(bytes);
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }
}
