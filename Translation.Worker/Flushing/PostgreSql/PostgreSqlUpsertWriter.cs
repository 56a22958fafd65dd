using System.Text;

namespace Translation.Worker.Flushing.PostgreSql;

/// <summary>
/// <c>INSERT … ON CONFLICT (key) DO UPDATE … WHERE</c> the stored version is older: one guard for the whole row, so a
/// replayed or older state leaves the row untouched. An insert-only table does nothing on a conflict. A statement
/// never holds a key twice (coalescing keeps one winner per key), which PostgreSQL's upsert requires.
/// </summary>
public sealed class PostgreSqlUpsertWriter<TRecord> : UpsertWriter<TRecord>
    where TRecord : class
{
    public PostgreSqlUpsertWriter(RecordTable<TRecord> table)
        : base(table)
    {
        var key = ColumnNames[0];
        Prefix = $"INSERT INTO {table.TableName} AS stored ({string.Join(", ", ColumnNames)}) VALUES ";
        Suffix = table.InsertOnly
            ? $" ON CONFLICT ({key}) DO NOTHING"
            : $" ON CONFLICT ({key}) DO UPDATE SET "
              + string.Join(", ", ColumnNames.Skip(1).Select(c => $"{c} = EXCLUDED.{c}"))
              + " WHERE stored.row_version < EXCLUDED.row_version";
    }

    protected override string Prefix { get; }

    protected override string Suffix { get; }

    protected override void AppendLiteral(StringBuilder sql, object? value) => PostgreSqlLiteral.Append(sql, value);
}
