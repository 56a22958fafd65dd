using System.Text.Json;
using System.Text.Json.Serialization;

namespace Persistence.Contracts;

/// <summary>
/// Accepts only RFC 3339 timestamps with an explicit offset (<c>Z</c> or <c>±hh:mm</c>), with at most seven fractional
/// digits. The default converter would also take a local time without offset, whose meaning depends on the server
/// that parsed it. Written as UTC with microseconds, the precision MySQL's <c>DATETIME(6)</c> keeps.
/// </summary>
/// <remarks>
/// Every record carries two timestamps and passes through this converter three times (API read and write, worker
/// read), so it parses and formats the fixed layout by hand: culture-aware exact-format parsing was the largest
/// single cost of the ingest path in a CPU profile.
/// </remarks>
public sealed class Rfc3339TimestampConverter : JsonConverter<DateTimeOffset>
{
    // yyyy-MM-ddTHH:mm:ss.ffffffZ
    private const int WrittenLength = 27;

    // A longer string cannot be a timestamp this converter accepts: 19 + '.' + 7 digits + '+hh:mm'.
    private const int MaxLength = 33;

    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            throw new JsonException("Expected an RFC 3339 timestamp string, e.g. 2026-01-31T12:00:00Z.");
        }

        if (!reader.HasValueSequence && !reader.ValueIsEscaped && TryParse(reader.ValueSpan, out var value))
        {
            return value;
        }

        // Escaped, split across buffers, or invalid: the slow path decides, and names the text when it is invalid.
        var text = reader.GetString();
        return TryParse(text, out value)
            ? value
            : throw new JsonException($"'{text}' is not an RFC 3339 timestamp with offset, e.g. 2026-01-31T12:00:00Z.");
    }

    /// <summary>The same rule for text outside JSON, such as a query-string filter.</summary>
    public static bool TryParse(string? text, out DateTimeOffset value)
    {
        value = default;
        if (text is null || text.Length > MaxLength)
        {
            return false;
        }

        Span<byte> ascii = stackalloc byte[MaxLength];
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] > 127)
            {
                return false;
            }

            ascii[i] = (byte)text[i];
        }

        return TryParse(ascii[..text.Length], out value);
    }

    public static bool TryParse(ReadOnlySpan<byte> text, out DateTimeOffset value)
    {
        value = default;
        if (text.Length is < 20 or > MaxLength
            || text[4] != '-' || text[7] != '-' || (text[10] | 0x20) != 't' || text[13] != ':' || text[16] != ':'
            || !TryDigits(text, 0, 4, out var year) || !TryDigits(text, 5, 2, out var month) || !TryDigits(text, 8, 2, out var day)
            || !TryDigits(text, 11, 2, out var hour) || !TryDigits(text, 14, 2, out var minute) || !TryDigits(text, 17, 2, out var second))
        {
            return false;
        }

        var position = 19;
        long fractionTicks = 0;
        if (text[position] == '.')
        {
            var digits = 0;
            position++;
            while (position < text.Length && IsDigit(text[position]))
            {
                if (++digits > 7)
                {
                    return false;
                }

                fractionTicks = (fractionTicks * 10) + (text[position] - '0');
                position++;
            }

            if (digits == 0)
            {
                return false;
            }

            for (var scale = digits; scale < 7; scale++)
            {
                fractionTicks *= 10;
            }
        }

        if (!TryOffset(text[position..], out var offset)
            || year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month)
            || hour > 23 || minute > 59 || second > 59)
        {
            return false;
        }

        var local = new DateTime(year, month, day, hour, minute, second, DateTimeKind.Unspecified).AddTicks(fractionTicks);
        var utcTicks = local.Ticks - offset.Ticks;
        if (utcTicks < DateTime.MinValue.Ticks || utcTicks > DateTime.MaxValue.Ticks)
        {
            return false;
        }

        value = new DateTimeOffset(local, offset);
        return true;
    }

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options)
    {
        var utc = value.UtcDateTime;
        Span<byte> text = stackalloc byte[WrittenLength];
        WriteDigits(text, 0, 4, utc.Year);
        text[4] = (byte)'-';
        WriteDigits(text, 5, 2, utc.Month);
        text[7] = (byte)'-';
        WriteDigits(text, 8, 2, utc.Day);
        text[10] = (byte)'T';
        WriteDigits(text, 11, 2, utc.Hour);
        text[13] = (byte)':';
        WriteDigits(text, 14, 2, utc.Minute);
        text[16] = (byte)':';
        WriteDigits(text, 17, 2, utc.Second);
        text[19] = (byte)'.';
        WriteDigits(text, 20, 6, (int)(utc.Ticks % TimeSpan.TicksPerSecond / 10));
        text[26] = (byte)'Z';
        writer.WriteStringValue(text);
    }

    private static bool TryOffset(ReadOnlySpan<byte> text, out TimeSpan offset)
    {
        offset = TimeSpan.Zero;
        if (text is [var z] && (z | 0x20) == 'z')
        {
            return true;
        }

        if (text.Length != 6 || text[0] is not ((byte)'+' or (byte)'-') || text[3] != ':'
            || !TryDigits(text, 1, 2, out var hours) || !TryDigits(text, 4, 2, out var minutes) || hours > 14 || minutes > 59
            || (hours == 14 && minutes > 0))
        {
            return false;
        }

        offset = new TimeSpan(hours, minutes, 0);
        if (text[0] == '-')
        {
            offset = -offset;
        }

        return true;
    }

    private static bool TryDigits(ReadOnlySpan<byte> text, int start, int count, out int value)
    {
        value = 0;
        for (var i = start; i < start + count; i++)
        {
            if (!IsDigit(text[i]))
            {
                return false;
            }

            value = (value * 10) + (text[i] - '0');
        }

        return true;
    }

    private static bool IsDigit(byte c) => c is >= (byte)'0' and <= (byte)'9';

    private static void WriteDigits(Span<byte> text, int start, int count, int value)
    {
        for (var i = start + count - 1; i >= start; i--)
        {
            text[i] = (byte)('0' + (value % 10));
            value /= 10;
        }
    }
}
