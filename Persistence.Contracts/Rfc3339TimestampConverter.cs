using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Persistence.Contracts;

/// <summary>
/// Accepts only RFC 3339 timestamps with an explicit offset (<c>Z</c> or <c>±hh:mm</c>). The default converter
/// would also take a local time without offset, whose meaning depends on the server that parsed it.
/// </summary>
public sealed class Rfc3339TimestampConverter : JsonConverter<DateTimeOffset>
{
    private static readonly string[] Formats =
    [
        "yyyy-MM-dd'T'HH:mm:ssK",
        "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK",
    ];

    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            throw new JsonException("Expected an RFC 3339 timestamp string, e.g. 2026-01-31T12:00:00Z.");
        }

        var text = reader.GetString();
        if (!TryParse(text, out var value))
        {
            throw new JsonException($"'{text}' is not an RFC 3339 timestamp with offset, e.g. 2026-01-31T12:00:00Z.");
        }

        return value;
    }

    /// <summary>The same rule for text outside JSON, such as a query-string filter.</summary>
    public static bool TryParse(string? text, out DateTimeOffset value)
    {
        value = default;
        var hasOffset = text is { Length: > 0 } && (text[^1] is 'Z' or 'z' || (text.Length > 6 && text[^6] is '+' or '-'));
        return hasOffset && DateTimeOffset.TryParseExact(
            text!.Replace('t', 'T').Replace('z', 'Z'), Formats, CultureInfo.InvariantCulture, DateTimeStyles.None, out value);
    }

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture));
}
