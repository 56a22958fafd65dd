using System.Data.Common;
using System.Text;

namespace Translation.Worker.Flushing;

/// <summary>
/// Writes rows with multi-row upserts whose guard lets a stored row change only for a strictly newer state, so a
/// replay is a no-op and an older state never overwrites a newer one. A backend supplies the statement around the
/// rows (<see cref="Prefix"/>, <see cref="Suffix"/>) and how a value is spelled; the rows are split into statements
/// of at most the given size here, once for every backend.
/// </summary>
public abstract class UpsertWriter<TRecord>
    where TRecord : class
{
    private const int PerValueOverhead = 8;

    protected UpsertWriter(RecordTable<TRecord> table)
    {
        Table = table;
        ColumnNames = [.. table.Columns.Select(c => c.Name), "row_version"];
    }

    public RecordTable<TRecord> Table { get; }

    /// <summary>The table's columns and then <c>row_version</c>, the order every row's values are written in.</summary>
    protected IReadOnlyList<string> ColumnNames { get; }

    /// <summary>The statement up to its first row, ending in <c>VALUES </c>.</summary>
    protected abstract string Prefix { get; }

    /// <summary>The statement after its last row: what a conflict on the key does.</summary>
    protected abstract string Suffix { get; }

    protected abstract void AppendLiteral(StringBuilder sql, object? value);

    public async Task WriteAsync(
        DbConnection connection, DbTransaction transaction, IReadOnlyList<KeyStates<TRecord>> rows,
        int maxStatementBytes, CancellationToken cancellationToken)
    {
        var start = 0;
        while (start < rows.Count)
        {
            var end = start;
            var estimate = Prefix.Length + Suffix.Length;
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

            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = BuildStatement(rows, start, end, estimate);
            await command.ExecuteNonQueryAsync(cancellationToken);
            start = end;
        }
    }

    /// <param name="capacity">The statement's estimated length, the sum <see cref="WriteAsync"/> split the rows by.</param>
    private string BuildStatement(IReadOnlyList<KeyStates<TRecord>> rows, int start, int end, int capacity)
    {
        var sql = new StringBuilder(capacity).Append(Prefix);
        for (var i = start; i < end; i++)
        {
            sql.Append(i > start ? ", (" : "(");
            var record = rows[i].Winner.Record!;
            foreach (var column in Table.Columns)
            {
                AppendLiteral(sql, column.Value(record));
                sql.Append(", ");
            }

            AppendLiteral(sql, rows[i].Winner.RowVersion);
            sql.Append(')');
        }

        return sql.Append(Suffix).ToString();
    }

    private int EstimateSize(FlushItem<TRecord> row) => (row.Size * 2) + (Table.Columns.Count * PerValueOverhead) + (RowVersion.Length * 2);
}
