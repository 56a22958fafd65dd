using System.Data.Common;
using System.Globalization;
using System.Text;
using Persistence.Contracts;
using Persistence.Contracts.Translations;
using Persistence.Storage;

namespace Persistence.Api.Translations;

/// <summary>Which failed jobs a view or a bulk re-queue is about: by language, by the engine that failed them, by when.</summary>
/// <param name="Since">Failed (last updated) at or after this.</param>
/// <param name="Until">Failed before this.</param>
public sealed record FailedJobFilter(string? Lang, string? Engine, DateTime? Since, DateTime? Until)
{
    /// <summary>A range of idx_jobs_status_updated; language and engine narrow it.</summary>
    public SqlCondition Condition(string extra = "", Action<DbCommand>? bindExtra = null)
    {
        var sql = new StringBuilder("status = @failed");
        sql.Append(Lang is null ? "" : " AND target_lang = @lang")
            .Append(Engine is null ? "" : " AND engine = @engine")
            .Append(Since is null ? "" : " AND updated_at >= @since")
            .Append(Until is null ? "" : " AND updated_at < @until")
            .Append(extra);
        return new SqlCondition(sql.ToString(), command =>
        {
            command.AddParameter("@failed", TranslationStatus.Failed);
            Bind(command, "@lang", Lang);
            Bind(command, "@engine", Engine);
            Bind(command, "@since", Since);
            Bind(command, "@until", Until);
            bindExtra?.Invoke(command);
        });
    }

    /// <summary>Only the filters in use: Npgsql would have to guess a type for an unused null.</summary>
    private static void Bind(DbCommand command, string name, object? value)
    {
        if (value is not null)
        {
            command.AddParameter(name, value);
        }
    }
}

/// <summary>The failed-jobs view: newest failure first, keyset-paged on (updated_at, job_id).</summary>
public sealed class FailedJobQueries(DbDataSource dataSource)
{
    public async Task<IReadOnlyList<JobState>> PageAsync(
        FailedJobFilter filter, (DateTime UpdatedAt, string JobId)? before, int size, CancellationToken cancellationToken)
    {
        var condition = before is { } position
            ? filter.Condition(" AND (updated_at, job_id) < (@beforeAt, @beforeId)", command =>
            {
                command.AddParameter("@beforeAt", position.UpdatedAt);
                command.AddParameter("@beforeId", position.JobId);
            })
            : filter.Condition();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        condition.Bind(command);
        command.CommandText = $"SELECT {TranslationQueries.JobColumns} FROM translation_jobs WHERE {condition.Sql} ORDER BY updated_at DESC, job_id DESC LIMIT @limit";
        command.AddParameter("@limit", size);
        return await TranslationQueries.ReadJobsAsync(command, cancellationToken);
    }

    /// <summary>A position as the cursor carries it: microseconds since the epoch, then the job id.</summary>
    public static string Position(JobState job) =>
        string.Create(CultureInfo.InvariantCulture, $"{(job.UpdatedAt.UtcTicks - DateTime.UnixEpoch.Ticks) / 10}.{job.JobId}");

    public static (DateTime UpdatedAt, string JobId)? ParsePosition(string position) =>
        position.Split('.', 2) is [var micros, var jobId]
            && long.TryParse(micros, NumberStyles.None, CultureInfo.InvariantCulture, out var value)
            && value < 253_402_300_800_000_000 && TranslationKeys.IsJobId(jobId)
            ? (new DateTime(DateTime.UnixEpoch.Ticks + (value * 10), DateTimeKind.Utc), jobId)
            : null;
}
