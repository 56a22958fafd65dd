using System.Text;

namespace Translation.Worker.Flushing.MySql;

/// <summary>
/// Writes a column value into statement text as a MySQL literal, so a flush of thousands of rows builds one string
/// instead of a <c>MySqlConnector.MySqlParameter</c> per value that the driver then turns into the same text
/// (docs/benchmarks.md, the lean flush path). The output means the same under either <c>sql_mode</c>: quotes are
/// doubled, never backslash-escaped, and a string holding a backslash or a NUL is sent as a hex literal labelled
/// utf8mb4 instead, so no escape character ever reaches the server's lexer.
/// </summary>
public static class MySqlLiteral
{
    public static void Append(StringBuilder sql, object? value)
    {
        switch (value)
        {
            case null:
                sql.Append("NULL");
                break;
            case string text when text.AsSpan().IndexOfAny('\\', '\0') >= 0:
                SqlText.AppendHex(sql.Append("_utf8mb4 X'"), Encoding.UTF8.GetBytes(text)).Append('\'');
                break;
            case string text:
                SqlText.AppendQuoted(sql, text);
                break;
            case int number:
                SqlText.AppendInteger(sql, number);
                break;
            case DateTime time:
                SqlText.AppendDateTime(sql.Append('\''), time).Append('\'');
                break;
            case byte[] bytes:
                SqlText.AppendHex(sql.Append("X'"), bytes).Append('\'');
                break;
            default:
                throw SqlText.Unwritable(value);
        }
    }
}
