using System.Globalization;
using System.Text;
using MySqlConnector;

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
        MySqlConnection connection, MySqlTransaction transaction, string actor, IReadOnlyList<JobEvent> events, CancellationToken cancellationToken)
    {
        foreach (var chunk in events.Chunk(RowsPerStatement))
        {
            await using var insert = new MySqlCommand { Connection = connection, Transaction = transaction };
            insert.Parameters.AddWithValue("@actor", actor);
            var rows = new StringBuilder();
            for (var i = 0; i < chunk.Length; i++)
            {
                var e = chunk[i];
                rows.Append(i == 0 ? "" : ", ").Append(CultureInfo.InvariantCulture, $"(@j{i}, @b{i}, @l{i}, @e{i}, @actor, @o{i}, @n{i}, @d{i}, UTC_TIMESTAMP(6))");
                insert.Parameters.AddWithValue($"@j{i}", e.JobId);
                insert.Parameters.AddWithValue($"@b{i}", e.BusinessId);
                insert.Parameters.AddWithValue($"@l{i}", e.TargetLang);
                insert.Parameters.AddWithValue($"@e{i}", e.Event);
                insert.Parameters.AddWithValue($"@o{i}", (object?)e.OldStatus ?? DBNull.Value);
                insert.Parameters.AddWithValue($"@n{i}", e.NewStatus);
                insert.Parameters.AddWithValue($"@d{i}", e.Detail is null ? DBNull.Value : Truncate(e.Detail));
            }

            insert.CommandText =
                $"INSERT INTO translation_job_events (job_id, business_id, target_lang, event, actor, old_status, new_status, detail, created_at) VALUES {rows}";
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    private static string Truncate(string detail) => detail.Length <= MaxDetailLength ? detail : detail[..MaxDetailLength] + "…";
}
