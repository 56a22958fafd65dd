using System.Globalization;
using System.Text;

namespace Translation.Worker.Flushing;

/// <summary>
/// The spellings both backends' literals share: quotes doubled inside single quotes (never a backslash escape),
/// integers in invariant digits, bytes as hexadecimal and timestamps to the microsecond.
/// </summary>
public static class SqlText
{
    public const string DateTimeFormat = "yyyy-MM-dd HH:mm:ss.ffffff";

    public static StringBuilder AppendQuoted(StringBuilder sql, ReadOnlySpan<char> text)
    {
        sql.Append('\'');
        for (var quote = text.IndexOf('\''); quote >= 0; quote = text.IndexOf('\''))
        {
            sql.Append(text[..(quote + 1)]).Append('\'');
            text = text[(quote + 1)..];
        }

        return sql.Append(text).Append('\'');
    }

    public static StringBuilder AppendInteger(StringBuilder sql, int number) => sql.Append(number.ToString(CultureInfo.InvariantCulture));

    public static StringBuilder AppendHex(StringBuilder sql, byte[] bytes)
    {
        Span<char> chunk = stackalloc char[512];
        for (var start = 0; start < bytes.Length; start += chunk.Length / 2)
        {
            var part = bytes.AsSpan(start, Math.Min(chunk.Length / 2, bytes.Length - start));
            Convert.TryToHexString(part, chunk, out var written);
            sql.Append(chunk[..written]);
        }

        return sql;
    }

    /// <summary>The timestamp unquoted, to the microsecond, as both servers read it.</summary>
    public static StringBuilder AppendDateTime(StringBuilder sql, DateTime time)
    {
        Span<char> text = stackalloc char[DateTimeFormat.Length];
        time.TryFormat(text, out var written, DateTimeFormat, CultureInfo.InvariantCulture);
        return sql.Append(text[..written]);
    }

    public static ArgumentException Unwritable(object value) =>
        new($"No SQL literal is written for a value of type {value.GetType().Name}.", nameof(value));
}
