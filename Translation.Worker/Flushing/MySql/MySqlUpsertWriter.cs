using System.Text;

namespace Translation.Worker.Flushing.MySql;

/// <summary>
/// <c>INSERT … ON DUPLICATE KEY UPDATE</c>, each column guarded by the row version. <c>row_version</c> is assigned
/// last because MySQL evaluates the assignments in order and later ones see the earlier results.
/// </summary>
public sealed class MySqlUpsertWriter<TRecord> : UpsertWriter<TRecord>
    where TRecord : class
{
    public MySqlUpsertWriter(RecordTable<TRecord> table)
        : base(table)
    {
        Prefix = $"INSERT INTO {table.TableName} ({string.Join(", ", ColumnNames)}) VALUES ";
        var guarded = table.Columns.Skip(1)
            .Select(c => $"{c.Name} = IF(VALUES(row_version) > row_version, VALUES({c.Name}), {c.Name})")
            .Append("row_version = GREATEST(row_version, VALUES(row_version))");
        // Not INSERT IGNORE: that would also turn data errors into warnings and store truncated rows silently.
        Suffix = table.InsertOnly
            ? $" ON DUPLICATE KEY UPDATE {ColumnNames[0]} = {ColumnNames[0]}"
            : " ON DUPLICATE KEY UPDATE " + string.Join(", ", guarded);
    }

    protected override string Prefix { get; }

    protected override string Suffix { get; }

    protected override void AppendLiteral(StringBuilder sql, object? value) => MySqlLiteral.Append(sql, value);
}
