using System.Buffers.Binary;
using System.Text;
using MySqlConnector;

namespace Pipeline.Benchmark;

/// <summary>How the rows travel: SQL text with the values inlined by the client, a prepared statement (binary
/// protocol), or LOAD DATA into a staging table and one INSERT … SELECT.</summary>
public enum UpsertShape
{
    Text,
    Prepared,
    BulkCopy,
}

/// <summary>
/// The worker's statement shape (Translation.Worker/Flushing/UpsertWriter.cs), written out again here rather than
/// referenced so the ceiling and the naive API measure MySQL, not the worker's code: a multi-row <c>INSERT … ON
/// DUPLICATE KEY UPDATE</c> with every column guarded by <c>row_version</c>, one transaction per batch.
/// </summary>
public static class Upsert
{
    private static readonly string[] Columns =
    [
        "task_id", "session_id", "batch_id", "status", "source_lang", "target_lang", "source_text", "translated_text",
        "error", "attempts", "metadata", "created_at", "updated_at", "row_version",
    ];

    private static readonly string Suffix = " ON DUPLICATE KEY UPDATE " + string.Join(", ", Columns.Skip(1).SkipLast(1)
        .Select(c => $"{c} = IF(VALUES(row_version) > row_version, VALUES({c}), {c})")
        .Append("row_version = GREATEST(row_version, VALUES(row_version))"));

    private static readonly string Placeholders = "(" + string.Join(", ", Columns.Select(_ => "?")) + ")";

    public static async Task CreateScratchTableAsync(MySqlConnection connection, string table, CancellationToken cancellationToken)
    {
        await using var command = new MySqlCommand($"DROP TABLE IF EXISTS {table}; CREATE TABLE {table} LIKE translation_tasks", connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public static async Task DropAsync(MySqlConnection connection, string table)
    {
        await using var command = new MySqlCommand($"DROP TABLE IF EXISTS {table}", connection);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>Writes the rows in one transaction and one statement, as the worker does for a batch that fits.</summary>
    public static Task WriteAsync(MySqlConnection connection, string table, IReadOnlyList<TaskRow> rows, CancellationToken cancellationToken) =>
        WriteAsync(connection, table, rows, UpsertShape.Text, cancellationToken);

    /// <summary>Writes the rows in one transaction in the given statement shape (the same guard in each).</summary>
    public static async Task WriteAsync(MySqlConnection connection, string table, IReadOnlyList<TaskRow> rows, UpsertShape shape, CancellationToken cancellationToken)
    {
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        if (shape == UpsertShape.BulkCopy)
        {
            await StagedUpsert.WriteAsync(connection, transaction, table, Columns, rows, RowVersion, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return;
        }

        var sql = new StringBuilder(64 + (rows.Count * (Placeholders.Length + 2)) + Suffix.Length);
        sql.Append("INSERT INTO ").Append(table).Append(" (").Append(string.Join(", ", Columns)).Append(") VALUES ");
        await using var command = new MySqlCommand { Connection = connection, Transaction = transaction };
        for (var i = 0; i < rows.Count; i++)
        {
            sql.Append(i == 0 ? "" : ", ").Append(Placeholders);
            var row = rows[i];
            foreach (var value in (object?[])[
                row.TaskId, row.SessionId, row.BatchId, row.Status, row.SourceLang, row.TargetLang, row.SourceText,
                row.TranslatedText, row.Error, row.Attempts, row.Metadata, row.CreatedAt, row.UpdatedAt])
            {
                command.Parameters.Add(new MySqlParameter { Value = value ?? DBNull.Value });
            }

            command.Parameters.Add(new MySqlParameter { Value = RowVersion(row.UpdatedAt), MySqlDbType = MySqlDbType.Binary });
        }

        command.CommandText = sql.Append(Suffix).ToString();
        if (shape == UpsertShape.Prepared)
        {
            // Prepared once per connection and text: MySqlConnector keeps the server-side statement in its cache.
            await command.PrepareAsync(cancellationToken);
        }

        await command.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    // updated_at in µs, then zeros where the worker puts the stream entry id: same length and ordering, no stream.
    internal static byte[] RowVersion(DateTime updatedAt)
    {
        var bytes = new byte[24];
        BinaryPrimitives.WriteUInt64BigEndian(bytes, (ulong)((updatedAt.Ticks - DateTime.UnixEpoch.Ticks) / TimeSpan.TicksPerMicrosecond));
        return bytes;
    }
}
