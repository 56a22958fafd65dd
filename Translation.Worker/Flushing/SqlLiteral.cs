using System.Globalization;
using System.Text;

namespace Translation.Worker.Flushing;

/// <summary>
/// Writes a column value into statement text as a SQL literal, so a flush of thousands of rows builds one string
/// instead of a <c>MySqlConnector.MySqlParameter</c> per value that the driver then turns into the same text
/// (docs/benchmarks.md, the lean flush path). The output means the same under either <c>sql_mode</c>: quotes are
/// doubled, never backslash-escaped, and a string holding a backslash or a NUL is sent as a hex literal labelled
/// utf8mb4 instead, so no escape character ever reaches the server's lexer.
/// </summary>
public static class SqlLiteral
{
    private const string DateTimeFormat = "yyyy-MM-dd HH:mm:ss.ffffff";

    public static void Append(StringBuilder sql, object? value)
    {
        switch (value)
        {
            case null:
                sql.Append("NULL");
                break;
            case string text:
                AppendString(sql, text);
                break;
            case int number:
                sql.Append(number.ToString(CultureInfo.InvariantCulture));
                break;
            case DateTime time:
                AppendDateTime(sql, time);
                break;
            case byte[] bytes:
                AppendHex(sql.Append("X'"), bytes).Append('\'');
                break;
            default:
                throw new ArgumentException($"No SQL literal is written for a value of type {value.GetType().Name}.", nameof(value));
        }
    }

    private static void AppendString(StringBuilder sql, string text)
    {
        if (text.AsSpan().IndexOfAny('\\', '\0') >= 0)
        {
            var bytes = Encoding.UTF8.GetBytes(text);
            AppendHex(sql.Append("_utf8mb4 X'"), bytes).Append('\'');
            return;
        }

        sql.Append('\'');
        var rest = text.AsSpan();
        for (var quote = rest.IndexOf('\''); quote >= 0; quote = rest.IndexOf('\''))
        {
            sql.Append(rest[..(quote + 1)]).Append('\'');
            rest = rest[(quote + 1)..];
        }

        sql.Append(rest).Append('\'');
    }

    private static StringBuilder AppendHex(StringBuilder sql, byte[] bytes)
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

    private static void AppendDateTime(StringBuilder sql, DateTime time)
    {
        Span<char> text = stackalloc char[DateTimeFormat.Length];
        time.TryFormat(text, out var written, DateTimeFormat, CultureInfo.InvariantCulture);
        sql.Append('\'').Append(text[..written]).Append('\'');
    }
}
