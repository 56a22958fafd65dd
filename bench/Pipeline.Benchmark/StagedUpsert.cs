using System.Data;
using MySqlConnector;

namespace Pipeline.Benchmark;

/// <summary>
/// The bulk-load alternative to a multi-row upsert: <c>MySqlBulkCopy</c> (LOAD DATA LOCAL) into a per-connection
/// temporary table, then one guarded <c>INSERT … SELECT … ON DUPLICATE KEY UPDATE</c>. The staging columns are all
/// text, so LOAD DATA (which with LOCAL turns data errors into warnings) never truncates: the strict INSERT … SELECT
/// into the real table is where a bad value is refused, as a data error the committer can isolate.
/// </summary>
public static class StagedUpsert
{
    private const string Stage = "bench_stage";

    public static async Task WriteAsync(
        MySqlConnection connection, MySqlTransaction transaction, string table, IReadOnlyList<string> columns,
        IReadOnlyList<TaskRow> rows, Func<DateTime, byte[]> rowVersion, CancellationToken cancellationToken)
    {
        var data = columns.SkipLast(1).Select(c => $"{c} LONGTEXT NULL").Append("row_version VARBINARY(24) NOT NULL");
        await using (var prepare = new MySqlCommand($"CREATE TEMPORARY TABLE IF NOT EXISTS {Stage} ({string.Join(", ", data)}) ENGINE=InnoDB; DELETE FROM {Stage}", connection, transaction))
        {
            await prepare.ExecuteNonQueryAsync(cancellationToken);
        }

        var rowsTable = new DataTable();
        foreach (var column in columns)
        {
            rowsTable.Columns.Add(column, column == "row_version" ? typeof(byte[]) : typeof(object));
        }

        foreach (var row in rows)
        {
            rowsTable.Rows.Add(
                row.TaskId, row.SessionId, row.BatchId, row.Status, row.SourceLang, row.TargetLang, row.SourceText,
                row.TranslatedText, row.Error, row.Attempts, row.Metadata, row.CreatedAt, row.UpdatedAt, rowVersion(row.UpdatedAt));
        }

        var bulkCopy = new MySqlBulkCopy(connection, transaction) { DestinationTableName = Stage };
        await bulkCopy.WriteToServerAsync(rowsTable, cancellationToken);
        var list = string.Join(", ", columns);
        // The target's columns are named with the table: in INSERT … SELECT the staging table's have the same names.
        var suffix = " ON DUPLICATE KEY UPDATE " + string.Join(", ", columns.Skip(1).SkipLast(1)
            .Select(c => $"{c} = IF(VALUES(row_version) > {table}.row_version, VALUES({c}), {table}.{c})")
            .Append($"row_version = GREATEST({table}.row_version, VALUES(row_version))"));
        await using var upsert = new MySqlCommand($"INSERT INTO {table} ({list}) SELECT {list} FROM {Stage} ORDER BY {columns[0]}{suffix}", connection, transaction);
        await upsert.ExecuteNonQueryAsync(cancellationToken);
    }
}
