using System.Data.Common;
using System.Globalization;
using System.Text;
using Persistence.Storage;

namespace Persistence.Maintenance.Audit;

/// <summary>One state change of a translation job, as its audit trail records it.</summary>
/// <param name="OldStatus">Null for the request that created the job.</param>
public sealed record JobEvent(string JobId, string BusinessId, string TargetLang, string Event, string? OldStatus, string NewStatus, string? Detail);

/// <summary>
/// Writes audit rows. The caller passes the transaction of the status change itself, so a change and its record
/// commit or roll back together: the trail never shows a change that did not happen, nor misses one that did.
/// </summary>
public static class JobEventLog
{
    /// <summary>Rows per INSERT, to keep one statement well below max_allowed_packet however large the batch.</summary>
    private const int RowsPerStatement = 500;

    /// <summary>Detail is for people; an engine's error can be long, and the trail keeps its start.</summary>
    public const int MaxDetailLength = 2000;

    public static async Task AppendAsync(
        DbConnection connection, DbTransaction transaction, StorageDialect dialect, string actor, IReadOnlyList<JobEvent> events,
        CancellationToken cancellationToken)
    {
        foreach (var chunk in events.Chunk(RowsPerStatement))
        {
            await using var insert = connection.CreateCommand();
            insert.Transaction = transaction;
            insert.AddParameter("@actor", actor);
            var rows = new StringBuilder();
            for (var i = 0; i < chunk.Length; i++)
            {
                var e = chunk[i];
                rows.Append(i == 0 ? "" : ", ").Append(CultureInfo.InvariantCulture, $"(@j{i}, @b{i}, @l{i}, @e{i}, @actor, @o{i}, @n{i}, @d{i}, {dialect.UtcNow})");
                insert.AddParameter($"@j{i}", e.JobId);
                insert.AddParameter($"@b{i}", e.BusinessId);
                insert.AddParameter($"@l{i}", e.TargetLang);
                insert.AddParameter($"@e{i}", e.Event);
                insert.AddParameter($"@o{i}", e.OldStatus);
                insert.AddParameter($"@n{i}", e.NewStatus);
                insert.AddParameter($"@d{i}", e.Detail is null ? null : Truncate(e.Detail));
            }

            insert.CommandText =
                $"INSERT INTO translation_job_events (job_id, business_id, target_lang, event, actor, old_status, new_status, detail, created_at) VALUES {rows}";
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    private static string Truncate(string detail) => detail.Length <= MaxDetailLength ? detail : detail[..MaxDetailLength] + "…";
}
