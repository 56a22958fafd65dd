using System.Text;
using MySqlConnector;
using Persistence.Contracts;

namespace Persistence.Api.Translations;

/// <summary>
/// Reads job state from MySQL, where the workers keep it. Registration never comes here: it goes through Redis so a
/// slow or absent database cannot hold up a caller.
/// </summary>
public sealed class TranslationQueries(MySqlDataSource dataSource)
{
    private const string JobColumns =
        "job_id, business_id, source_lang, target_lang, status, result, error, attempts, reused, created_at, updated_at, next_attempt_at";

    /// <summary>The newest job per target language of a business id (a changed text registers new jobs).</summary>
    public async Task<IReadOnlyList<JobState>> ByBusinessIdAsync(string businessId, string? lang, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = new MySqlCommand(
            $"SELECT {JobColumns} FROM translation_jobs WHERE business_id = @business"
            + (lang is null ? "" : " AND target_lang = @lang")
            + " ORDER BY target_lang, created_at DESC, job_id",
            connection);
        command.Parameters.AddWithValue("@business", businessId);
        if (lang is not null)
        {
            command.Parameters.AddWithValue("@lang", lang);
        }

        var jobs = await ReadJobsAsync(command, cancellationToken);
        return [.. jobs.GroupBy(j => j.TargetLang, StringComparer.Ordinal).Select(g => g.First())];
    }

    /// <summary>One page in job id order; <paramref name="after"/> is the previous page's last id (keyset paging).</summary>
    public async Task<IReadOnlyList<JobState>> PageAsync(string? status, string? lang, string? after, int limit, CancellationToken cancellationToken)
    {
        var sql = new StringBuilder($"SELECT {JobColumns} FROM translation_jobs WHERE job_id > @after");
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = new MySqlCommand { Connection = connection };
        command.Parameters.AddWithValue("@after", after ?? "");
        if (status is not null)
        {
            sql.Append(" AND status = @status");
            command.Parameters.AddWithValue("@status", status);
        }

        if (lang is not null)
        {
            sql.Append(" AND target_lang = @lang");
            command.Parameters.AddWithValue("@lang", lang);
        }

        sql.Append(" ORDER BY job_id LIMIT @limit");
        command.Parameters.AddWithValue("@limit", limit);
        command.CommandText = sql.ToString();
        return await ReadJobsAsync(command, cancellationToken);
    }

    /// <summary>Puts a failed job back to pending with a fresh set of attempts; null when no such job exists.</summary>
    public async Task<RequeueOutcome> RequeueFailedAsync(string jobId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using (var update = new MySqlCommand(
            """
            UPDATE translation_jobs
            SET status = @pending, attempts = 0, error = NULL, next_attempt_at = UTC_TIMESTAMP(6), updated_at = UTC_TIMESTAMP(6)
            WHERE job_id = @job AND status = @failed
            """,
            connection))
        {
            update.Parameters.AddWithValue("@pending", TranslationStatus.Pending);
            update.Parameters.AddWithValue("@failed", TranslationStatus.Failed);
            update.Parameters.AddWithValue("@job", jobId);
            if (await update.ExecuteNonQueryAsync(cancellationToken) == 1)
            {
                return new RequeueOutcome(true, TranslationStatus.Pending);
            }
        }

        await using var read = new MySqlCommand("SELECT status FROM translation_jobs WHERE job_id = @job", connection);
        read.Parameters.AddWithValue("@job", jobId);
        return new RequeueOutcome(false, await read.ExecuteScalarAsync(cancellationToken) as string);
    }

    private static async Task<List<JobState>> ReadJobsAsync(MySqlCommand command, CancellationToken cancellationToken)
    {
        var jobs = new List<JobState>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            jobs.Add(new JobState(
                reader.GetString(0),
                reader.GetString(1),
                reader.GetString(2),
                reader.GetString(3),
                reader.GetString(4),
                await reader.IsDBNullAsync(5, cancellationToken) ? null : reader.GetString(5),
                await reader.IsDBNullAsync(6, cancellationToken) ? null : reader.GetString(6),
                reader.GetInt32(7),
                reader.GetBoolean(8),
                Utc(reader.GetDateTime(9)),
                Utc(reader.GetDateTime(10)),
                reader.GetString(4) is TranslationStatus.Pending ? Utc(reader.GetDateTime(11)) : null));
        }

        return jobs;
    }

    // Columns hold UTC (the workers write UTC_TIMESTAMP and the API's UTC clock); the reader returns them unlabelled.
    private static DateTimeOffset Utc(DateTime value) => new(DateTime.SpecifyKind(value, DateTimeKind.Utc));
}

/// <summary><see cref="Requeued"/>, or why not: the job's current status, null when it does not exist.</summary>
public sealed record RequeueOutcome(bool Requeued, string? Status);
