using System.Text;
using Persistence.Storage;

namespace Translation.Worker.Flushing.PostgreSql;

/// <summary>
/// Writes a column value into statement text as a PostgreSQL literal (see <see cref="MySql.MySqlLiteral"/> for why
/// literals). Strings need only their quotes doubled: with <c>standard_conforming_strings</c>, which Npgsql requires,
/// a backslash is an ordinary character. A NUL is refused before anything is sent, as PostgreSQL stores no NUL in
/// text: the record is dead-lettered with that reason, as the server's own data errors are.
/// </summary>
public static class PostgreSqlLiteral
{
    public static void Append(StringBuilder sql, object? value)
    {
        switch (value)
        {
            case null:
                sql.Append("NULL");
                break;
            case string text when text.Contains('\0', StringComparison.Ordinal):
                throw new RejectedValueException("PostgreSQL cannot store a NUL character (U+0000) in text.");
            case string text:
                SqlText.AppendQuoted(sql, text);
                break;
            case int number:
                SqlText.AppendInteger(sql, number);
                break;
            case DateTime time:
                // The timestamps are UTC (the records' UtcDateTime): said so, whatever the session's time zone.
                SqlText.AppendDateTime(sql.Append('\''), time).Append("+00'");
                break;
            case byte[] bytes:
                // bytea's hex input format.
                SqlText.AppendHex(sql.Append("'\\x"), bytes).Append('\'');
                break;
            default:
                throw SqlText.Unwritable(value);
        }
    }
}
