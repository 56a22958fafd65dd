using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using MySqlConnector;
using Persistence.Contracts;

namespace Pipeline.Benchmark.Lifecycle;

/// <summary>
/// The worker's statement for sessions and tasks (Translation.Worker/Flushing/UpsertWriter.cs over RecordTable.cs),
/// written out again so the naive API measures MySQL and not the worker's code: one multi-row <c>INSERT … ON
/// DUPLICATE KEY UPDATE</c> of every column, each guarded by <c>row_version</c>, in one transaction per request. The
/// version is updated_at in microseconds followed by zeros where the worker puts the stream entry id: the same length
/// and order, with no stream behind it.
/// </summary>
public sealed class GuardedUpsert<TRecord>(string table, IReadOnlyList<(string Name, Func<TRecord, object?> Value)> columns, Func<TRecord, DateTimeOffset?> updatedAt)
{
    private readonly string _prefix = $"INSERT INTO {table} ({string.Join(", ", columns.Select(c => c.Name).Append("row_version"))}) VALUES ";
    private readonly string _placeholders = "(" + string.Join(", ", columns.Select(_ => "?").Append("?")) + ")";
    private readonly string _suffix = " ON DUPLICATE KEY UPDATE " + string.Join(", ", columns.Skip(1)
        .Select(c => $"{c.Name} = IF(VALUES(row_version) > row_version, VALUES({c.Name}), {c.Name})")
        .Append("row_version = GREATEST(row_version, VALUES(row_version))"));

    public async Task WriteAsync(MySqlConnection connection, IReadOnlyList<TRecord> records, CancellationToken cancellationToken)
    {
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var command = new MySqlCommand { Connection = connection, Transaction = transaction };
        var sql = new StringBuilder(_prefix.Length + _suffix.Length + (records.Count * (_placeholders.Length + 2)));
        sql.Append(_prefix);
        for (var i = 0; i < records.Count; i++)
        {
            sql.Append(i == 0 ? "" : ", ").Append(_placeholders);
            foreach (var column in columns)
            {
                command.Parameters.Add(new MySqlParameter { Value = column.Value(records[i]) ?? DBNull.Value });
            }

            command.Parameters.Add(new MySqlParameter { Value = RowVersion(updatedAt(records[i])), MySqlDbType = MySqlDbType.Binary });
        }

        command.CommandText = sql.Append(_suffix).ToString();
        await command.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    private static byte[] RowVersion(DateTimeOffset? updatedAt)
    {
        var bytes = new byte[24];
        var micros = ((updatedAt ?? DateTimeOffset.UnixEpoch).UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / TimeSpan.TicksPerMicrosecond;
        BinaryPrimitives.WriteUInt64BigEndian(bytes, (ulong)Math.Max(0, micros));
        return bytes;
    }
}

/// <summary>The columns of translation_sessions and translation_tasks, in the worker's order and with its conversions.</summary>
public static class LifecycleTables
{
    public static GuardedUpsert<SessionRecord> Sessions(string table) => new(
        table,
        [
            ("session_id", r => r.SessionId),
            ("status", r => r.Status),
            ("source_lang", r => r.SourceLang),
            ("target_langs", r => r.TargetLangs is null ? null : JsonSerializer.Serialize(r.TargetLangs, PersistenceJsonContext.Default.IReadOnlyListString)),
            ("total_tasks", r => r.TotalTasks),
            ("completed_tasks", r => r.CompletedTasks),
            ("failed_tasks", r => r.FailedTasks),
            ("metadata", r => Json(r.Metadata)),
            ("created_at", r => r.CreatedAt?.UtcDateTime),
            ("updated_at", r => r.UpdatedAt?.UtcDateTime),
        ],
        r => r.UpdatedAt);

    public static GuardedUpsert<TaskRecord> Tasks(string table) => new(
        table,
        [
            ("task_id", r => r.TaskId),
            ("session_id", r => r.SessionId),
            ("batch_id", r => r.BatchId),
            ("status", r => r.Status),
            ("source_lang", r => r.SourceLang),
            ("target_lang", r => r.TargetLang),
            ("source_text", r => r.SourceText),
            ("translated_text", r => r.TranslatedText),
            ("error", r => r.Error),
            ("attempts", r => r.Attempts),
            ("metadata", r => Json(r.Metadata)),
            ("created_at", r => r.CreatedAt?.UtcDateTime),
            ("updated_at", r => r.UpdatedAt?.UtcDateTime),
        ],
        r => r.UpdatedAt);

    private static string? Json(JsonElement? element) =>
        element is { ValueKind: not JsonValueKind.Null and not JsonValueKind.Undefined } value ? value.GetRawText() : null;
}
