using System.Text;
using MySqlConnector;

namespace Translation.Worker.Flushing;

/// <summary>
/// Writes rows with multi-row <c>INSERT … ON DUPLICATE KEY UPDATE</c>, each column guarded by the row version so a
/// stored row changes only for a strictly newer state. <c>row_version</c> is assigned last because MySQL evaluates
/// the assignments in order and later ones see the earlier results.
/// </summary>
public sealed class UpsertWriter<TRecord>
    where TRecord : class
{
    private const int PerValueOverhead = 8;

    private readonly RecordTable<TRecord> _table;
    private readonly string _prefix;
    private readonly string _rowPlaceholders;
    private readonly string _suffix;

    public RecordTable<TRecord> Table => _table;

    public UpsertWriter(RecordTable<TRecord> table)
    {
        _table = table;
        var names = table.Columns.Select(c => c.Name).Append("row_version").ToList();
        _prefix = $"INSERT INTO {table.TableName} ({string.Join(", ", names)}) VALUES ";
        _rowPlaceholders = "(" + string.Join(", ", names.Select(_ => "?")) + ")";
        var guarded = table.Columns.Skip(1)
            .Select(c => $"{c.Name} = IF(VALUES(row_version) > row_version, VALUES({c.Name}), {c.Name})")
            .Append("row_version = GREATEST(row_version, VALUES(row_version))");
        // Not INSERT IGNORE: that would also turn data errors into warnings and store truncated rows silently.
        _suffix = table.InsertOnly
            ? $" ON DUPLICATE KEY UPDATE {names[0]} = {names[0]}"
            : " ON DUPLICATE KEY UPDATE " + string.Join(", ", guarded);
    }

    public async Task WriteAsync(
        MySqlConnection connection, MySqlTransaction transaction, IReadOnlyList<KeyStates<TRecord>> rows,
        int maxStatementBytes, CancellationToken cancellationToken)
    {
        var start = 0;
        while (start < rows.Count)
        {
            var end = start;
            var bytes = _prefix.Length + _suffix.Length;
            while (end < rows.Count && (end == start || bytes + EstimateSize(rows[end].Winner) <= maxStatementBytes))
            {
                bytes += EstimateSize(rows[end].Winner);
                end++;
            }

            await using var command = BuildCommand(connection, transaction, rows, start, end);
            await command.ExecuteNonQueryAsync(cancellationToken);
            start = end;
        }
    }

    private MySqlCommand BuildCommand(MySqlConnection connection, MySqlTransaction transaction, IReadOnlyList<KeyStates<TRecord>> rows, int start, int end)
    {
        var sql = new StringBuilder(_prefix.Length + _suffix.Length + ((end - start) * (_rowPlaceholders.Length + 2)));
        sql.Append(_prefix);
        var command = new MySqlCommand { Connection = connection, Transaction = transaction };
        for (var i = start; i < end; i++)
        {
            if (i > start)
            {
                sql.Append(", ");
            }

            sql.Append(_rowPlaceholders);
            var record = rows[i].Winner.Record!;
            foreach (var column in _table.Columns)
            {
                command.Parameters.Add(new MySqlParameter { Value = column.Value(record) ?? DBNull.Value });
            }

            command.Parameters.Add(new MySqlParameter { Value = rows[i].Winner.RowVersion, MySqlDbType = MySqlDbType.Binary });
        }

        sql.Append(_suffix);
        command.CommandText = sql.ToString();
        return command;
    }

    private int EstimateSize(FlushItem<TRecord> row) => (row.Size * 2) + (_table.Columns.Count * PerValueOverhead) + (RowVersion.Length * 2);
}
