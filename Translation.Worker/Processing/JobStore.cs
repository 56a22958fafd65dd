using System.Data;
using System.Globalization;
using System.Text;
using MySqlConnector;
using Persistence.Contracts;

namespace Translation.Worker.Processing;

/// <summary>
/// The SQL of job processing. Leases are compared on MySQL's clock (UTC_TIMESTAMP), the one clock every worker
/// shares, so a worker whose own clock drifts cannot take a job whose lease is still running.
/// </summary>
public sealed class JobStore(MySqlDataSource dataSource)
{
    /// <summary>
    /// Claims up to <paramref name="limit"/> jobs of <paramref name="targetLang"/> that are due: pending ones, and
    /// translating ones whose lease ran out (their next_attempt_at is the lease's end). Rows another worker is
    /// claiming are skipped, not waited for. A job whose lease ran out on its last attempt is failed instead: it keeps
    /// killing its workers, or they keep dying under it.
    /// </summary>
    public async Task<ClaimResult> ClaimAsync(
        string targetLang, string leaseOwner, int limit, int leaseSeconds, int maxAttempts, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        // READ COMMITTED: no gap locks, so claiming never blocks the flusher inserting new jobs.
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken);

        var due = new List<(ClaimedJob Job, string Status)>();
        await using (var select = new MySqlCommand(
            """
            SELECT job_id, business_id, content_hash, source_lang, attempts, status FROM translation_jobs
            WHERE target_lang = @lang AND status IN (@pending, @translating) AND next_attempt_at <= UTC_TIMESTAMP(6)
            -- No ORDER BY: rows come in index order (due time within each status) and the scan stops at the limit.
            -- Sorting would read, and lock, every due row first.
            LIMIT @limit
            FOR UPDATE SKIP LOCKED
            """,
            connection,
            transaction))
        {
            select.Parameters.AddWithValue("@lang", targetLang);
            select.Parameters.AddWithValue("@pending", TranslationStatus.Pending);
            select.Parameters.AddWithValue("@translating", TranslationStatus.Translating);
            select.Parameters.AddWithValue("@limit", limit);
            await using var reader = await select.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                due.Add((new ClaimedJob(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), targetLang, reader.GetInt32(4) + 1), reader.GetString(5)));
            }
        }

        if (due.Count == 0)
        {
            return new ClaimResult([], []);
        }

        var abandoned = due.Where(d => d.Status == TranslationStatus.Translating && d.Job.Attempt > maxAttempts).Select(d => d.Job).ToList();
        var claimed = due.Where(d => !(d.Status == TranslationStatus.Translating && d.Job.Attempt > maxAttempts)).Select(d => d.Job).ToList();

        if (claimed.Count > 0)
        {
            await using var lease = new MySqlCommand { Connection = connection, Transaction = transaction };
            lease.CommandText =
                """
                UPDATE translation_jobs
                SET status = @translating, lease_owner = @owner,
                    lease_expires_at = UTC_TIMESTAMP(6) + INTERVAL @lease SECOND,
                    next_attempt_at = UTC_TIMESTAMP(6) + INTERVAL @lease SECOND,
                    attempts = attempts + 1, updated_at = UTC_TIMESTAMP(6)
                WHERE job_id IN (
                """ + InList(lease, "j", claimed.Select(c => c.JobId)) + ")";
            lease.Parameters.AddWithValue("@translating", TranslationStatus.Translating);
            lease.Parameters.AddWithValue("@owner", leaseOwner);
            lease.Parameters.AddWithValue("@lease", leaseSeconds);
            await lease.ExecuteNonQueryAsync(cancellationToken);
        }

        if (abandoned.Count > 0)
        {
            await using var fail = new MySqlCommand { Connection = connection, Transaction = transaction };
            fail.CommandText =
                """
                UPDATE translation_jobs
                SET status = @failed, lease_owner = NULL, lease_expires_at = NULL, updated_at = UTC_TIMESTAMP(6),
                    error = CONCAT('The lease expired on attempt ', attempts, ' of ', @max, ': the worker stopped or hung while holding it.')
                WHERE job_id IN (
                """ + InList(fail, "j", abandoned.Select(c => c.JobId)) + ")";
            fail.Parameters.AddWithValue("@failed", TranslationStatus.Failed);
            fail.Parameters.AddWithValue("@max", maxAttempts);
            await fail.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return new ClaimResult(claimed, abandoned);
    }

    /// <summary>Texts and contexts by content hash. A content can lag its job by a moment (separate streams).</summary>
    public async Task<Dictionary<string, EngineText>> ContentsAsync(IReadOnlyCollection<string> hashes, CancellationToken cancellationToken)
    {
        var contents = new Dictionary<string, EngineText>(StringComparer.Ordinal);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = new MySqlCommand { Connection = connection };
        command.CommandText = "SELECT content_hash, text, context FROM translation_contents WHERE content_hash IN (" + InList(command, "h", hashes) + ")";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            contents[reader.GetString(0)] = new EngineText(reader.GetString(1), await reader.IsDBNullAsync(2, cancellationToken) ? null : reader.GetString(2));
        }

        return contents;
    }

    /// <summary>
    /// Translations <paramref name="producer"/> already made for these contents into <paramref name="targetLang"/>, by
    /// content hash. Another engine's (or model's) translation is never an answer: it may be a stand-in.
    /// </summary>
    public async Task<Dictionary<string, string>> MemoryAsync(
        string targetLang, string producer, IReadOnlyCollection<(string SourceLang, string ContentHash)> keys, CancellationToken cancellationToken)
    {
        var found = new Dictionary<string, string>(StringComparer.Ordinal);
        var sourceOf = keys.DistinctBy(k => k.ContentHash).ToDictionary(k => k.ContentHash, k => k.SourceLang, StringComparer.Ordinal);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = new MySqlCommand { Connection = connection };
        command.CommandText =
            "SELECT content_hash, source_lang, translated_text FROM translation_memory WHERE target_lang = @target AND engine = @engine AND content_hash IN ("
            + InList(command, "h", sourceOf.Keys) + ")";
        command.Parameters.AddWithValue("@target", targetLang);
        command.Parameters.AddWithValue("@engine", producer);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            if (sourceOf.TryGetValue(reader.GetString(0), out var sourceLang) && sourceLang == reader.GetString(1))
            {
                found[reader.GetString(0)] = reader.GetString(2);
            }
        }

        return found;
    }

    /// <summary>
    /// Stores the outcomes and the new translations in one transaction. Each job changes only while the lease is
    /// still <paramref name="leaseOwner"/>'s: a worker that lost its lease (it was too slow, another took the job)
    /// changes nothing. Returns how many jobs were still ours.
    /// </summary>
    public async Task<int> RecordAsync(
        string leaseOwner, IReadOnlyList<JobOutcome> outcomes, IReadOnlyList<MemoryEntry> memory, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken);

        if (memory.Count > 0)
        {
            await using var remember = new MySqlCommand { Connection = connection, Transaction = transaction };
            var rows = new StringBuilder();
            for (var i = 0; i < memory.Count; i++)
            {
                rows.Append(i == 0 ? "" : ", ").Append(CultureInfo.InvariantCulture, $"(@s{i}, @t{i}, @h{i}, @x{i}, @e{i}, UTC_TIMESTAMP(6))");
                remember.Parameters.AddWithValue($"@s{i}", memory[i].SourceLang);
                remember.Parameters.AddWithValue($"@t{i}", memory[i].TargetLang);
                remember.Parameters.AddWithValue($"@h{i}", memory[i].ContentHash);
                remember.Parameters.AddWithValue($"@x{i}", memory[i].Text);
                remember.Parameters.AddWithValue($"@e{i}", memory[i].Engine);
            }

            // The first translation of a content by an engine stays: jobs already answered from memory must keep agreeing with it.
            remember.CommandText =
                $"INSERT INTO translation_memory (source_lang, target_lang, content_hash, translated_text, engine, created_at) VALUES {rows} "
                + "ON DUPLICATE KEY UPDATE content_hash = content_hash";
            await remember.ExecuteNonQueryAsync(cancellationToken);
        }

        var updated = 0;
        if (outcomes.Count > 0)
        {
            await using var update = new MySqlCommand { Connection = connection, Transaction = transaction };
            update.Parameters.AddWithValue("@owner", leaseOwner);
            update.Parameters.AddWithValue("@translating", TranslationStatus.Translating);
            var sql = new StringBuilder();
            for (var i = 0; i < outcomes.Count; i++)
            {
                var outcome = outcomes[i];
                update.Parameters.AddWithValue($"@j{i}", outcome.JobId);
                update.Parameters.AddWithValue($"@s{i}", outcome.Status);
                update.Parameters.AddWithValue($"@r{i}", (object?)outcome.Result ?? DBNull.Value);
                update.Parameters.AddWithValue($"@e{i}", (object?)outcome.Error ?? DBNull.Value);
                update.Parameters.AddWithValue($"@u{i}", outcome.Reused);
                update.Parameters.AddWithValue($"@d{i}", (long)outcome.RetryAfter.TotalMicroseconds);
                update.Parameters.AddWithValue($"@a{i}", outcome.RefundAttempt ? 1 : 0);
                sql.Append(CultureInfo.InvariantCulture, $"""
                    UPDATE translation_jobs
                    SET status = @s{i}, result = @r{i}, error = @e{i}, reused = @u{i}, attempts = attempts - @a{i},
                        lease_owner = NULL, lease_expires_at = NULL,
                        next_attempt_at = UTC_TIMESTAMP(6) + INTERVAL @d{i} MICROSECOND, updated_at = UTC_TIMESTAMP(6)
                    WHERE job_id = @j{i} AND lease_owner = @owner AND status = @translating;

                    """);
            }

            update.CommandText = sql.ToString();
            updated = await update.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return updated;
    }

    private static string InList(MySqlCommand command, string prefix, IEnumerable<string> values)
    {
        var names = new StringBuilder();
        var i = 0;
        foreach (var value in values)
        {
            var name = string.Create(CultureInfo.InvariantCulture, $"@{prefix}{i++}");
            names.Append(names.Length == 0 ? "" : ", ").Append(name);
            command.Parameters.AddWithValue(name, value);
        }

        return names.ToString();
    }
}

/// <param name="Attempt">This claim's attempt number (attempts after the claim).</param>
public sealed record ClaimedJob(string JobId, string BusinessId, string ContentHash, string SourceLang, string TargetLang, int Attempt);

/// <param name="Abandoned">Jobs failed at claim time because their last lease ran out.</param>
public sealed record ClaimResult(IReadOnlyList<ClaimedJob> Claimed, IReadOnlyList<ClaimedJob> Abandoned);

/// <summary>What to store for a claimed job: its next status, result or error, and when it is due again.</summary>
public sealed record JobOutcome(string JobId, string Status, string? Result, string? Error, bool Reused, TimeSpan RetryAfter, bool RefundAttempt)
{
    public static JobOutcome Translated(string jobId, string text, bool reused) =>
        new(jobId, TranslationStatus.Translated, text, null, reused, TimeSpan.Zero, false);

    public static JobOutcome Retry(string jobId, string error, TimeSpan delay) =>
        new(jobId, TranslationStatus.Pending, null, error, false, delay, false);

    public static JobOutcome Failed(string jobId, string error) =>
        new(jobId, TranslationStatus.Failed, null, error, false, TimeSpan.Zero, false);

    /// <summary>Not attempted at all (its content has not landed yet): back to pending without using an attempt.</summary>
    public static JobOutcome Deferred(string jobId, TimeSpan delay) =>
        new(jobId, TranslationStatus.Pending, null, null, false, delay, true);
}

public sealed record MemoryEntry(string SourceLang, string TargetLang, string ContentHash, string Text, string Engine);
