using System.Data.Common;
using System.Text;
using Persistence.Contracts;
using Persistence.Contracts.Translations;
using Persistence.Storage;

namespace Persistence.Api.Translations;

/// <summary>
/// Reads job state from the database, where the workers keep it. Registration never comes here: it goes through Redis so a
/// slow or absent database cannot hold up a caller.
/// </summary>
public sealed class TranslationQueries(DbDataSource dataSource)
{
    /// <summary>Languages one state answer lists at most; far more than any deployment processes.</summary>
    public const int MaxLanguages = 100;

    public const string JobColumns =
        "job_id, business_id, source_lang, target_lang, status, result, error, attempts, reused, created_at, updated_at, next_attempt_at, "
        + "engine, engine_version, review_status, reviewed_by, reviewed_at, review_note";

    /// <summary>
    /// The newest job per target language of a business id (a changed text registers new jobs). Reads one row per
    /// language however many versions the id has had: the languages by a skip scan of idx_jobs_business, then for
    /// each the last entry of its (business_id, target_lang, created_at, job_id) range.
    /// </summary>
    public async Task<IReadOnlyList<JobState>> ByBusinessIdAsync(string businessId, string? lang, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var languages = new List<string>();
        if (lang is not null)
        {
            languages.Add(lang);
        }
        else
        {
            // A skip scan: DISTINCT would read every row of the range, this reads one index entry a language.
            await using var next = connection.CreateCommand();
            next.CommandText = NextLanguageSql;
            next.AddParameter("@business", businessId).AddParameter("@after", "");
            var after = next.Parameters[1];
            while (languages.Count < MaxLanguages && await next.ExecuteScalarAsync(cancellationToken) is string found)
            {
                languages.Add(found);
                after.Value = found;
            }
        }

        if (languages.Count == 0)
        {
            return [];
        }

        await using var command = BuildNewestPerLanguageCommand(connection, businessId, languages);
        return await ReadJobsAsync(command, cancellationToken);
    }

    /// <summary>The first target language of <c>@business</c> after <c>@after</c> (initially the empty string).</summary>
    public const string NextLanguageSql =
        "SELECT target_lang FROM translation_jobs WHERE business_id = @business AND target_lang > @after ORDER BY target_lang LIMIT 1";

    /// <summary>One top-1 branch per language; ties of created_at go to the higher job id, in index order.</summary>
    public static DbCommand BuildNewestPerLanguageCommand(DbConnection connection, string businessId, IReadOnlyList<string> languages)
    {
        var command = connection.CreateCommand();
        command.AddParameter("@business", businessId);
        var branches = new StringBuilder();
        for (var i = 0; i < languages.Count; i++)
        {
            var name = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"@lang{i}");
            command.AddParameter(name, languages[i]);
            branches.Append(i == 0 ? "" : " UNION ALL ")
                .Append($"(SELECT {JobColumns} FROM translation_jobs WHERE business_id = @business AND target_lang = {name} ORDER BY created_at DESC, job_id DESC LIMIT 1)");
        }

        command.CommandText = $"SELECT {JobColumns} FROM ({branches}) AS newest ORDER BY target_lang";
        return command;
    }

    /// <summary>One page in job id order; <paramref name="after"/> is the previous page's last id (keyset paging).</summary>
    public async Task<IReadOnlyList<JobState>> PageAsync(string? status, string? lang, string? after, int limit, CancellationToken cancellationToken)
    {
        var sql = new StringBuilder($"SELECT {JobColumns} FROM translation_jobs WHERE job_id > @after");
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.AddParameter("@after", after ?? "");
        if (status is not null)
        {
            sql.Append(" AND status = @status");
            command.AddParameter("@status", status);
        }

        if (lang is not null)
        {
            sql.Append(" AND target_lang = @lang");
            command.AddParameter("@lang", lang);
        }

        sql.Append(" ORDER BY job_id LIMIT @limit");
        command.AddParameter("@limit", limit);
        command.CommandText = sql.ToString();
        return await ReadJobsAsync(command, cancellationToken);
    }

    public static async Task<List<JobState>> ReadJobsAsync(DbCommand command, CancellationToken cancellationToken)
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
                reader.GetString(4) is TranslationStatus.Pending ? Utc(reader.GetDateTime(11)) : null,
                await reader.IsDBNullAsync(12, cancellationToken) ? null : reader.GetString(12),
                await reader.IsDBNullAsync(13, cancellationToken) ? null : reader.GetString(13),
                await reader.IsDBNullAsync(14, cancellationToken)
                    ? null
                    : new JobReview(
                        reader.GetString(14),
                        await reader.IsDBNullAsync(15, cancellationToken) ? null : reader.GetString(15),
                        await reader.IsDBNullAsync(16, cancellationToken) ? null : Utc(reader.GetDateTime(16)),
                        await reader.IsDBNullAsync(17, cancellationToken) ? null : reader.GetString(17))));
        }

        return jobs;
    }

    // Columns hold UTC (the workers write the database's UTC clock, the API its own UTC clock); MySQL's reader returns
    // them unlabelled, PostgreSQL's timestamptz as UTC already.
    public static DateTimeOffset Utc(DateTime value) => new(DateTime.SpecifyKind(value, DateTimeKind.Utc));
}
