using System.Text;
using MySqlConnector;

namespace Translation.Worker.Flushing;

/// <summary>
/// Writes rows with multi-row <c>INSERT … ON DUPLICATE KEY UPDATE</c>, each column guarded by the row version so a
/// stored row changes only for a strictly newer state. <c>row_version</c> is assigned last because MySQL evaluates
/// the assignments in order and later ones see the earlier results. Values are written into the statement as literals
/// (<see cref="SqlLiteral"/>): the driver would inline parameters as the same text, at the cost of an object per value.
/// </summary>
public sealed class UpsertWriter<TRecord>
    where TRecord : class
{
    private const int PerValueOverhead = 8;

    private readonly RecordTable<TRecord> _table;
    private readonly string _prefix;
    private readonly string _suffix;

    public RecordTable<TRecord> Table => _table;

    public UpsertWriter(RecordTable<TRecord> table)
    {
        _table = table;
        var names = table.Columns.Select(c => c.Name).Append("row_version").ToList();
        _prefix = $"INSERT INTO {table.TableName} ({string.Join(", ", names)}) VALUES ";
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
            var estimate = _prefix.Length + _suffix.Length;
            while (end < rows.Count)
            {
                var size = EstimateSize(rows[end].Winner);
                if (end > start && estimate + size > maxStatementBytes)
                {
                    break;
                }

                estimate += size;
                end++;
            }

            await using var command = BuildCommand(connection, transaction, rows, start, end, estimate);
            await command.ExecuteNonQueryAsync(cancellationToken);
            start = end;
        }
    }

    /// <param name="capacity">The statement's estimated length, the sum <see cref="WriteAsync"/> split the rows by.</param>
    private MySqlCommand BuildCommand(MySqlConnection connection, MySqlTransaction transaction, IReadOnlyList<KeyStates<TRecord>> rows, int start, int end, int capacity)
    {
        var sql = new StringBuilder(capacity).Append(_prefix);
        for (var i = start; i < end; i++)
        {
            sql.Append(i > start ? ", (" : "(");
            var record = rows[i].Winner.Record!;
            foreach (var column in _table.Columns)
            {
                SqlLiteral.Append(sql, column.Value(record));
                sql.Append(", ");
            }

            SqlLiteral.Append(sql, rows[i].Winner.RowVersion);
            sql.Append(')');
        }

        sql.Append(_suffix);
        return new MySqlCommand(sql.ToString(), connection, transaction);
    }

    private int EstimateSize(FlushItem<TRecord> row) => (row.Size * 2) + (_table.Columns.Count * PerValueOverhead) + (RowVersion.Length * 2);
}
