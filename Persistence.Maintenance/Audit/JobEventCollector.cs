using System.Globalization;
using MySqlConnector;

namespace Persistence.Maintenance.Audit;

/// <summary>
/// Audit rows past the retention period, oldest first along idx_events_created, a chunk per statement so no
/// transaction grows large. The trail outlives nothing it describes by more than the retention: jobs themselves are
/// kept, so a job's history simply starts later once its first entries are collected.
/// </summary>
public static class JobEventCollector
{
    public static async Task<long> DeleteAsync(MySqlConnection connection, DateTime cutoff, int chunk, CancellationToken cancellationToken)
    {
        long deleted = 0;
        await using var delete = new MySqlCommand(
            "DELETE FROM translation_job_events WHERE created_at < @cutoff ORDER BY created_at LIMIT @limit", connection);
        delete.Parameters.AddWithValue("@cutoff", cutoff);
        delete.Parameters.AddWithValue("@limit", chunk);
        while (true)
        {
            var affected = await delete.ExecuteNonQueryAsync(cancellationToken);
            deleted += affected;
            if (affected < chunk)
            {
                return deleted;
            }
        }
    }

    public static async Task<long> CountAsync(MySqlConnection connection, DateTime cutoff, CancellationToken cancellationToken)
    {
        await using var count = new MySqlCommand("SELECT COUNT(*) FROM translation_job_events WHERE created_at < @cutoff", connection);
        count.Parameters.AddWithValue("@cutoff", cutoff);
        return Convert.ToInt64(await count.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
    }
}
