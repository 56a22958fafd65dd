using System.Data.Common;
using System.Globalization;
using Persistence.Contracts.Translations;
using Persistence.Storage;

namespace Persistence.Api.Translations;

/// <summary>A business id's audit trail, in the order it happened, a keyset page at a time.</summary>
public sealed class HistoryQueries(DbDataSource dataSource)
{
    /// <summary>Entries after event <paramref name="after"/>: a range of idx_events_business (or its per-language twin).</summary>
    public async Task<IReadOnlyList<HistoryEntry>> PageAsync(string businessId, string? lang, long after, int size, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText =
            "SELECT event_id, job_id, target_lang, event, actor, old_status, new_status, detail, created_at FROM translation_job_events "
            + "WHERE business_id = @business" + (lang is null ? "" : " AND target_lang = @lang")
            + " AND event_id > @after ORDER BY event_id LIMIT @limit";
        command.AddParameter("@business", businessId);
        if (lang is not null)
        {
            command.AddParameter("@lang", lang);
        }

        command.AddParameter("@after", after);
        command.AddParameter("@limit", size);
        var entries = new List<HistoryEntry>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            entries.Add(new HistoryEntry(
                // BIGINT UNSIGNED in MySQL, BIGINT in PostgreSQL: either reads as a long (ids start at 1).
                reader.GetInt64(0).ToString(CultureInfo.InvariantCulture),
                reader.GetString(1),
                reader.GetString(2),
                reader.GetString(3),
                reader.GetString(4),
                await reader.IsDBNullAsync(5, cancellationToken) ? null : reader.GetString(5),
                reader.GetString(6),
                await reader.IsDBNullAsync(7, cancellationToken) ? null : reader.GetString(7),
                TranslationQueries.Utc(reader.GetDateTime(8))));
        }

        return entries;
    }

    public async Task<bool> HasJobsAsync(string businessId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT 1 FROM translation_jobs WHERE business_id = @business LIMIT 1";
        command.AddParameter("@business", businessId);
        return await command.ExecuteScalarAsync(cancellationToken) is not null;
    }
}
