using System.Globalization;
using System.Data.Common;
using MySqlConnector;
using Persistence.Storage;
using Persistence.Storage.MySql;

namespace Persistence.Maintenance.Audit;

/// <summary>
/// Audit rows past the retention period, oldest first along idx_events_created, a chunk per statement so no
/// transaction grows large. The trail outlives nothing it describes by more than the retention: jobs themselves are
/// kept, so a job's history simply starts later once its first entries are collected.
/// </summary>
public static class JobEventCollector
{
    public static async Task<long> DeleteAsync(DbConnection connection, StorageDialect dialect, DateTime cutoff, int chunk, CancellationToken cancellationToken)
    {
        long deleted = 0;
        await using var delete = connection.CreateCommand();
        delete.CommandText = dialect.DeleteChunk("translation_job_events", "event_id", "created_at < @cutoff", "@limit", orderBy: "created_at");
        delete.AddParameter("@cutoff", cutoff).AddParameter("@limit", chunk);
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

    /// <summary>For the garbage collector while it still holds a <see cref="MySqlConnection"/>; it moves to the overload above with its port.</summary>
    public static Task<long> DeleteAsync(MySqlConnection connection, DateTime cutoff, int chunk, CancellationToken cancellationToken) =>
        DeleteAsync(connection, new MySqlDialect(), cutoff, chunk, cancellationToken);

    public static async Task<long> CountAsync(DbConnection connection, DateTime cutoff, CancellationToken cancellationToken)
    {
        await using var count = connection.CreateCommand();
        count.CommandText = "SELECT COUNT(*) FROM translation_job_events WHERE created_at < @cutoff";
        count.AddParameter("@cutoff", cutoff);
        return Convert.ToInt64(await count.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
    }
}
