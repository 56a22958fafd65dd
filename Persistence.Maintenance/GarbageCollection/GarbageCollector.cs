using System.Data.Common;
using System.Globalization;
using Microsoft.Extensions.Options;
using Persistence.Contracts;
using Persistence.Maintenance.Audit;
using Persistence.Storage;

namespace Persistence.Maintenance.GarbageCollection;

/// <summary>
/// Deletes ended sessions past the retention period together with their tasks, in bounded steps: tasks first, in
/// chunks that commit on their own, then the sessions of the batch in one short transaction. A session row is only
/// removed once its tasks are gone, so a run that stops half-way leaves nothing unreachable and the next run picks up
/// where it stopped. Tasks whose session is gone (a late replay of an old task state landing after its session was
/// collected) are found by their own age and deleted last. A named lock in the database keeps two collectors (worker replicas, the admin endpoint) from racing.
/// </summary>
public sealed class GarbageCollector(DbDataSource dataSource, StorageDialect dialect, TimeProvider time, IOptions<RetentionOptions> options)
{
    public const string LockName = "translation.garbage_collection";

    public async Task<GarbageCollectionReport> RunAsync(bool dryRun, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var started = time.GetTimestamp();
        var cutoff = time.GetUtcNow().UtcDateTime.AddDays(-settings.RetentionDays);

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        if (!await NamedLock.TryTakeAsync(connection, dialect, LockName, cancellationToken))
        {
            return new GarbageCollectionReport(dryRun, Completed: false, cutoff, 0, 0, 0, time.GetElapsedTime(started));
        }

        try
        {
            var (sessions, tasks, batches) = dryRun
                ? await CountAsync(connection, cutoff, cancellationToken)
                : await DeleteAsync(connection, cutoff, settings, cancellationToken);
            var events = dryRun
                ? await JobEventCollector.CountAsync(connection, cutoff, cancellationToken)
                : await JobEventCollector.DeleteAsync(connection, dialect, cutoff, settings.TasksPerChunk, cancellationToken);
            return new GarbageCollectionReport(dryRun, Completed: true, cutoff, sessions, tasks, batches, time.GetElapsedTime(started)) { JobEvents = events };
        }
        finally
        {
            await NamedLock.ReleaseAsync(connection, dialect, LockName);
        }
    }

    private static async Task<(long Sessions, long Tasks, int Batches)> CountAsync(
        DbConnection connection, DateTime cutoff, CancellationToken cancellationToken)
    {
        long sessions = 0;
        long tasks = 0;
        // One status at a time so each count is a range on idx_sessions_status_updated, and the join probes
        // idx_tasks_session_status per session.
        foreach (var status in RecordStatus.Ended)
        {
            await using var count = connection.CreateCommand();
            count.CommandText =
                """
                SELECT COUNT(*),
                       COALESCE(SUM((SELECT COUNT(*) FROM translation_tasks t WHERE t.session_id = s.session_id)), 0)
                FROM translation_sessions s
                WHERE s.status = @status AND s.updated_at < @cutoff
                """;
            count.AddParameter("@status", status).AddParameter("@cutoff", cutoff);
            await using var reader = await count.ExecuteReaderAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            sessions += reader.GetInt64(0);
            tasks += Convert.ToInt64(reader.GetValue(1), CultureInfo.InvariantCulture);
        }

        await using var orphans = BuildCountOrphanTasksCommand(connection, cutoff);
        tasks += Convert.ToInt64(await orphans.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
        return (sessions, tasks, 0);
    }

    private async Task<(long Sessions, long Tasks, int Batches)> DeleteAsync(
        DbConnection connection, DateTime cutoff, RetentionOptions settings, CancellationToken cancellationToken)
    {
        long sessions = 0;
        long tasks = 0;
        var batches = 0;
        foreach (var status in RecordStatus.Ended)
        {
            while (true)
            {
                var ids = await NextBatchAsync(connection, status, cutoff, settings.SessionsPerBatch, cancellationToken);
                if (ids.Count == 0)
                {
                    break;
                }

                tasks += await DeleteTasksAsync(connection, ids, settings.TasksPerChunk, cancellationToken);
                sessions += await DeleteSessionsAsync(connection, ids, status, cutoff, cancellationToken);
                batches++;
                if (ids.Count < settings.SessionsPerBatch)
                {
                    break;
                }
            }
        }

        tasks += await DeleteOrphanTasksAsync(connection, cutoff, settings.TasksPerChunk, cancellationToken);
        return (sessions, tasks, batches);
    }

    /// <summary>A task whose session row does not exist: one primary-key probe per task.</summary>
    private const string OrphanCondition =
        "NOT EXISTS (SELECT 1 FROM translation_sessions WHERE translation_sessions.session_id = translation_tasks.session_id)";

    /// <summary>
    /// Tasks joined to their session, a row without one being an orphan. Written as an outer join on the primary key
    /// rather than NOT EXISTS, which MariaDB may turn into a scan of a whole sessions index.
    /// </summary>
    private const string TasksWithSessions =
        "translation_tasks LEFT JOIN translation_sessions ON translation_sessions.session_id = translation_tasks.session_id";

    private const string IsOrphan = "translation_sessions.session_id IS NULL";

    /// <summary>
    /// Walks the tasks older than the cutoff once, in (updated_at, task_id) order, a chunk of orphans at a time. The
    /// keyset moves past the live tasks it skips, so an old task of a session still running is read once per run,
    /// not once per chunk.
    /// </summary>
    private static async Task<long> DeleteOrphanTasksAsync(DbConnection connection, DateTime cutoff, int chunk, CancellationToken cancellationToken)
    {
        long deleted = 0;
        (DateTime UpdatedAt, string TaskId)? after = null;
        while (true)
        {
            var ids = new List<string>(chunk);
            await using (var select = BuildNextOrphanTasksCommand(connection, cutoff, after, chunk))
            {
                await using var reader = await select.ExecuteReaderAsync(cancellationToken);
                while (await reader.ReadAsync(cancellationToken))
                {
                    ids.Add(reader.GetString(0));
                    after = (DateTime.SpecifyKind(reader.GetDateTime(1), DateTimeKind.Utc), reader.GetString(0));
                }
            }

            if (ids.Count == 0)
            {
                return deleted;
            }

            await using var delete = BuildDeleteOrphanTasksCommand(connection, ids, cutoff);
            deleted += await delete.ExecuteNonQueryAsync(cancellationToken);
            if (ids.Count < chunk)
            {
                return deleted;
            }
        }
    }

    /// <summary>What the dry run counts of orphan tasks: the same range of idx_tasks_updated as the walk.</summary>
    public static DbCommand BuildCountOrphanTasksCommand(DbConnection connection, DateTime cutoff)
    {
        var count = connection.CreateCommand();
        count.CommandText = $"SELECT COUNT(*) FROM {TasksWithSessions} WHERE translation_tasks.updated_at < @cutoff AND {IsOrphan}";
        return count.AddParameter("@cutoff", cutoff);
    }

    /// <summary>The next orphan tasks older than the cutoff, after a keyset position: a range of idx_tasks_updated.</summary>
    public static DbCommand BuildNextOrphanTasksCommand(DbConnection connection, DateTime cutoff, (DateTime UpdatedAt, string TaskId)? after, int limit)
    {
        var keyset = after is null ? "" : "AND (translation_tasks.updated_at, translation_tasks.task_id) > (@afterUpdated, @afterId)";
        var select = connection.CreateCommand();
        select.CommandText =
            $"SELECT translation_tasks.task_id, translation_tasks.updated_at FROM {TasksWithSessions} "
            + $"WHERE translation_tasks.updated_at < @cutoff {keyset} AND {IsOrphan} "
            + "ORDER BY translation_tasks.updated_at, translation_tasks.task_id LIMIT @limit";
        select.AddParameter("@cutoff", cutoff).AddParameter("@limit", limit);
        if (after is { } position)
        {
            select.AddParameter("@afterUpdated", position.UpdatedAt).AddParameter("@afterId", position.TaskId);
        }

        return select;
    }

    /// <summary>
    /// Those orphans by primary key. Age and orphanhood are checked again: a task replayed with a newer state, or whose
    /// session landed since the select, keeps its row.
    /// </summary>
    public static DbCommand BuildDeleteOrphanTasksCommand(DbConnection connection, IReadOnlyList<string> taskIds, DateTime cutoff)
    {
        var delete = connection.CreateCommand();
        delete.CommandText = $"DELETE FROM translation_tasks WHERE task_id IN ({delete.AddList("id", taskIds)}) AND updated_at < @cutoff AND {OrphanCondition}";
        return delete.AddParameter("@cutoff", cutoff);
    }

    private static async Task<List<string>> NextBatchAsync(
        DbConnection connection, string status, DateTime cutoff, int limit, CancellationToken cancellationToken)
    {
        await using var select = BuildNextBatchCommand(connection, status, cutoff, limit);
        var ids = new List<string>(limit);
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            ids.Add(reader.GetString(0));
        }

        return ids;
    }

    /// <summary>The next sessions to collect: a range of (status, updated_at).</summary>
    public static DbCommand BuildNextBatchCommand(DbConnection connection, string status, DateTime cutoff, int limit)
    {
        var select = connection.CreateCommand();
        select.CommandText = "SELECT session_id FROM translation_sessions WHERE status = @status AND updated_at < @cutoff ORDER BY updated_at LIMIT @limit";
        return select.AddParameter("@status", status).AddParameter("@cutoff", cutoff).AddParameter("@limit", limit);
    }

    /// <summary>One chunk of those sessions' tasks: ranges of the (session_id, …) indexes.</summary>
    public static DbCommand BuildDeleteTasksCommand(DbConnection connection, StorageDialect dialect, IReadOnlyList<string> sessionIds, int chunk)
    {
        var delete = connection.CreateCommand();
        delete.CommandText = dialect.DeleteChunk("translation_tasks", "task_id", $"session_id IN ({delete.AddList("id", sessionIds)})", "@limit");
        return delete.AddParameter("@limit", chunk);
    }

    private async Task<long> DeleteTasksAsync(DbConnection connection, List<string> sessionIds, int chunk, CancellationToken cancellationToken)
    {
        long deleted = 0;
        await using var delete = BuildDeleteTasksCommand(connection, dialect, sessionIds, chunk);
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

    private static async Task<long> DeleteSessionsAsync(
        DbConnection connection, List<string> sessionIds, string status, DateTime cutoff, CancellationToken cancellationToken)
    {
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        // The status and age are checked again so a session updated since it was selected keeps its row; its tasks
        // are already gone then, which only matters if a session ends and then changes after the whole retention period.
        await using var delete = connection.CreateCommand();
        delete.Transaction = transaction;
        delete.CommandText = $"DELETE FROM translation_sessions WHERE session_id IN ({delete.AddList("id", sessionIds)}) AND status = @status AND updated_at < @cutoff";
        delete.AddParameter("@status", status).AddParameter("@cutoff", cutoff);
        var affected = await delete.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return affected;
    }
}

/// <summary>What one run found or removed. <see cref="Completed"/> is false when another collector held the lock.</summary>
public sealed record GarbageCollectionReport(
    bool DryRun, bool Completed, DateTime Cutoff, long Sessions, long Tasks, int Batches, TimeSpan Duration)
{
    /// <summary>Translation audit rows older than the cutoff.</summary>
    public long JobEvents { get; init; }
}
