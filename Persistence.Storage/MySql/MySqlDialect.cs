using MySqlConnector;
using Persistence.Contracts;

namespace Persistence.Storage.MySql;

/// <summary>MySQL and MariaDB (MySqlConnector's error codes; MariaDB's own codes where MySQL's differ).</summary>
public sealed class MySqlDialect : StorageDialect
{
    public override string DisplayName => "MySQL";

    public override string Backend => StorageBackends.MySql;

    public override string PlusSeconds(string timestamp, string seconds) => $"{timestamp} + INTERVAL {seconds} SECOND";

    public override string PlusMicroseconds(string timestamp, string microseconds) => $"{timestamp} + INTERVAL {microseconds} MICROSECOND";

    /// <summary>Leaving a row as it is: a no-op update of its first key column, which (unlike INSERT IGNORE) still fails on bad data.</summary>
    public override string OnDuplicateKey(string key, string? assignments)
    {
        var first = key.Split(',')[0].Trim();
        return "ON DUPLICATE KEY UPDATE " + (assignments ?? $"{first} = {first}");
    }

    public override string Inserted(string column) => $"VALUES({column})";

    public override string UtcNow => "UTC_TIMESTAMP(6)";

    public override bool IsUnreachable(Exception exception) =>
        exception is MySqlException mysql
        && (mysql.IsTransient || mysql.ErrorCode is MySqlErrorCode.UnableToConnectToHost or MySqlErrorCode.CommandTimeoutExpired);

    public override bool IsUnavailable(Exception exception) =>
        IsUnreachable(exception) || exception is MySqlException { ErrorCode: MySqlErrorCode.NoSuchTable };

    protected override bool RefusesData(Exception exception) => exception is MySqlException
    {
        ErrorCode:
        MySqlErrorCode.DataTooLong or
        MySqlErrorCode.TruncatedWrongValue or
        MySqlErrorCode.TruncatedWrongValueForField or
        MySqlErrorCode.WarningDataOutOfRange or
        MySqlErrorCode.ColumnCannotBeNull or
        MySqlErrorCode.InvalidJsonText or
        MySqlErrorCode.NoReferencedRow2 or
        (MySqlErrorCode)3819 or // MySQL: check constraint violated
        (MySqlErrorCode)4025, // MariaDB: CONSTRAINT_FAILED, e.g. a JSON column given invalid JSON
    };

    public override string JsonArrayContains(string column, string parameter) => $"JSON_CONTAINS({column}, JSON_QUOTE({parameter}))";

    public override string TryLockSql => "SELECT GET_LOCK(@name, 0)";

    public override string UnlockSql => "SELECT RELEASE_LOCK(@name)";

    public override string CurrentSchema => "DATABASE()";

    public override string QuoteIdentifier(string name) => $"`{name.Replace("`", "``", StringComparison.Ordinal)}`";

    public override string DeleteChunk(string table, string key, string condition, string limit, string? orderBy = null) =>
        $"DELETE FROM {table} WHERE {condition}{(orderBy is null ? "" : $" ORDER BY {orderBy}")} LIMIT {limit}";
}
