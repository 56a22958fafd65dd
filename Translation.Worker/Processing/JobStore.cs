using System.Data;
using System.Data.Common;
using System.Globalization;
using System.Text;
using Persistence.Contracts;
using Persistence.Maintenance.Audit;
using Persistence.Storage;

namespace Translation.Worker.Processing;

/// <summary>
/// The SQL of job processing, the same on every backend but for the fragments <see cref="StorageDialect"/> spells.
/// Leases are compared on the database's clock (<see cref="StorageDialect.UtcNow"/>), the one clock every worker
/// shares, so a worker whose own clock drifts cannot take a job whose lease is still running.
/// </summary>
public sealed class JobStore(DbDataSource dataSource, StorageDialect dialect)
{
    /// <summary>translation_memory's primary key: one translation per content, language pair and producer.</summary>
    public const string MemoryKey = "content_hash, target_lang, source_lang, engine";

    /// <summary>
    /// Claims up to <paramref name="limit"/> jobs of <paramref name="targetLang"/> that are due: pending ones, and
    /// translating ones whose lease ran out (their next_attempt_at is the lease's end). Rows another worker is
    /// claiming are skipped, not waited for. A job whose lease ran out on its last attempt is failed instead: it keeps
    /// killing its workers, or they keep dying under it. Each claimed job records the engine it is claimed for
    /// (<paramref name="engineFor"/> of its override), and every change is written to the audit trail in the same
    /// transaction.
    /// </summary>
    public async Task<ClaimResult> ClaimAsync(
        string targetLang, string leaseOwner, string actor, int limit, int leaseSeconds, int maxAttempts,
        Func<string?, EngineIdentity> engineFor, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        // READ COMMITTED: no gap locks, so claiming never blocks the flusher inserting new jobs.
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken);

        var due = new List<(ClaimedJob Job, string Status)>();
        await using (var select = connection.CreateCommand())
        {
            select.Transaction = transaction;
            select.CommandText =
                $"""
                SELECT job_id, business_id, content_hash, source_lang, attempts, status, engine_override, bypass_memory FROM translation_jobs
                WHERE target_lang = @lang AND status IN (@pending, @translating) AND next_attempt_at <= {dialect.UtcNow}
                -- No ORDER BY: rows come in index order (due time within each status) and the scan stops at the limit.
                -- Sorting would read, and lock, every due row first.
                LIMIT @limit
                FOR UPDATE SKIP LOCKED
                """;
            select.AddParameter("@lang", targetLang);
            select.AddParameter("@pending", TranslationStatus.Pending);
            select.AddParameter("@translating", TranslationStatus.Translating);
            select.AddParameter("@limit", limit);
            await using var reader = await select.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var engineOverride = await reader.IsDBNullAsync(6, cancellationToken) ? null : reader.GetString(6);
                due.Add((new ClaimedJob(
                    reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), targetLang, reader.GetInt32(4) + 1,
                    engineFor(engineOverride), reader.GetBoolean(7)), reader.GetString(5)));
            }
        }

        if (due.Count == 0)
        {
            return new ClaimResult([], []);
        }

        var abandoned = due.Where(d => d.Status == TranslationStatus.Translating && d.Job.Attempt > maxAttempts).ToList();
        var claimed = due.Where(d => !(d.Status == TranslationStatus.Translating && d.Job.Attempt > maxAttempts)).ToList();

        foreach (var byEngine in claimed.GroupBy(c => c.Job.Engine))
        {
            await using var lease = connection.CreateCommand();
            lease.Transaction = transaction;
            lease.CommandText =
                $"""
                UPDATE translation_jobs
                SET status = @translating, lease_owner = @owner,
                    lease_expires_at = {dialect.PlusSeconds(dialect.UtcNow, "@lease")},
                    next_attempt_at = {dialect.PlusSeconds(dialect.UtcNow, "@lease")},
                    attempts = attempts + 1, updated_at = {dialect.UtcNow},
                    engine = @engine, engine_version = @version, producer = @producer
                WHERE job_id IN (
                """ + lease.AddList("j", [.. byEngine.Select(c => c.Job.JobId)]) + ")";
            lease.AddParameter("@translating", TranslationStatus.Translating);
            lease.AddParameter("@owner", leaseOwner);
            lease.AddParameter("@lease", leaseSeconds);
            lease.AddParameter("@engine", byEngine.Key.Name);
            lease.AddParameter("@version", byEngine.Key.Version);
            lease.AddParameter("@producer", byEngine.Key.Producer);
            await lease.ExecuteNonQueryAsync(cancellationToken);
        }

        if (abandoned.Count > 0)
        {
            await using var fail = connection.CreateCommand();
            fail.Transaction = transaction;
            fail.CommandText =
                $"""
                UPDATE translation_jobs
                SET status = @failed, lease_owner = NULL, lease_expires_at = NULL, updated_at = {dialect.UtcNow},
                    error = CONCAT('The lease expired on attempt ', attempts, ' of ', @max, ': the worker stopped or hung while holding it.')
                WHERE job_id IN (
                """ + fail.AddList("j", [.. abandoned.Select(c => c.Job.JobId)]) + ")";
            fail.AddParameter("@failed", TranslationStatus.Failed);
            fail.AddParameter("@max", maxAttempts);
            await fail.ExecuteNonQueryAsync(cancellationToken);
        }

        await JobEventLog.AppendAsync(connection, transaction, dialect, actor,
            [
                .. claimed.Select(c => new JobEvent(c.Job.JobId, c.Job.BusinessId, targetLang, JobEvents.Claimed, c.Status, TranslationStatus.Translating,
                    $"attempt {c.Job.Attempt} with {c.Job.Engine.Producer}{(c.Job.BypassMemory ? ", memory bypassed" : "")}")),
                .. abandoned.Select(c => new JobEvent(c.Job.JobId, c.Job.BusinessId, targetLang, JobEvents.Failed, c.Status, TranslationStatus.Failed,
                    $"the lease expired on the last attempt ({maxAttempts})")),
            ],
            cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new ClaimResult([.. claimed.Select(c => c.Job)], [.. abandoned.Select(c => c.Job)]);
    }

    /// <summary>Texts and contexts by content hash. A content can lag its job by a moment (separate streams).</summary>
    public async Task<Dictionary<string, EngineText>> ContentsAsync(IReadOnlyCollection<string> hashes, CancellationToken cancellationToken)
    {
        var contents = new Dictionary<string, EngineText>(StringComparer.Ordinal);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT content_hash, text, context FROM translation_contents WHERE content_hash IN (" + command.AddList("h", [.. hashes]) + ")";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            contents[reader.GetString(0)] = new EngineText(reader.GetString(1), await reader.IsDBNullAsync(2, cancellationToken) ? null : reader.GetString(2));
        }

        return contents;
    }

    /// <summary>
    /// Translations memory can answer with for these contents into <paramref name="targetLang"/>, by content hash: an
    /// approved one first (whoever made it), else <paramref name="producer"/>'s own. Another engine's (or model's)
    /// unapproved translation is an answer only when <paramref name="anyEngine"/>: it may be a stand-in.
    /// </summary>
    public async Task<Dictionary<string, Remembered>> MemoryAsync(
        string targetLang, string producer, bool anyEngine, IReadOnlyCollection<(string SourceLang, string ContentHash)> keys,
        CancellationToken cancellationToken)
    {
        var found = new Dictionary<string, Remembered>(StringComparer.Ordinal);
        var sourceOf = keys.DistinctBy(k => k.ContentHash).ToDictionary(k => k.ContentHash, k => k.SourceLang, StringComparer.Ordinal);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText =
            "SELECT content_hash, source_lang, translated_text, engine FROM translation_memory WHERE target_lang = @target "
            + "AND (engine = @engine OR approved OR @any) AND content_hash IN (" + command.AddList("h", [.. sourceOf.Keys]) + ") "
            + "ORDER BY approved DESC, engine = @engine DESC, created_at DESC";
        command.AddParameter("@target", targetLang);
        command.AddParameter("@engine", producer);
        command.AddParameter("@any", anyEngine);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            if (sourceOf.TryGetValue(reader.GetString(0), out var sourceLang) && sourceLang == reader.GetString(1))
            {
                found.TryAdd(reader.GetString(0), new Remembered(reader.GetString(2), reader.GetString(3)));
            }
        }

        return found;
    }

    /// <summary>
    /// Stores the outcomes, their audit entries and the new translations in one transaction. Each job changes only
    /// while the lease is still <paramref name="leaseOwner"/>'s: a worker that lost its lease (it was too slow,
    /// another took the job) changes nothing and records nothing. Returns how many jobs were still ours.
    /// </summary>
    public async Task<int> RecordAsync(
        string leaseOwner, string actor, IReadOnlyList<JobOutcome> outcomes, IReadOnlyList<MemoryEntry> memory, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken);

        // Which jobs are still ours, locked until commit so the answer cannot change before the update.
        var ours = new HashSet<string>(StringComparer.Ordinal);
        if (outcomes.Count > 0)
        {
            await using var select = connection.CreateCommand();
            select.Transaction = transaction;
            select.CommandText = "SELECT job_id FROM translation_jobs WHERE lease_owner = @owner AND status = @translating AND job_id IN ("
                + select.AddList("j", [.. outcomes.Select(o => o.Job.JobId)]) + ") FOR UPDATE";
            select.AddParameter("@owner", leaseOwner);
            select.AddParameter("@translating", TranslationStatus.Translating);
            await using var reader = await select.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                ours.Add(reader.GetString(0));
            }
        }

        // Only what a job still ours produced is remembered: a worker that lost its lease may hold a translation that
        // was rejected meanwhile, and writing it to memory would undo the reject for every later job of that content.
        var ourContents = outcomes.Where(o => ours.Contains(o.Job.JobId))
            .Select(o => (o.Job.SourceLang, o.Job.TargetLang, o.Job.ContentHash))
            .ToHashSet();
        memory = [.. memory.Where(m => ourContents.Contains((m.SourceLang, m.TargetLang, m.ContentHash)))];

        // The first translation of a content by an engine stays: jobs already answered from memory must keep agreeing
        // with it. A forced re-translation replaces it, unless a reviewer approved it.
        await RememberAsync(connection, transaction, [.. memory.Where(m => !m.Replace)], assignments: null, cancellationToken);
        await RememberAsync(connection, transaction, [.. memory.Where(m => m.Replace)],
            $"translated_text = CASE WHEN translation_memory.approved THEN translation_memory.translated_text ELSE {dialect.Inserted("translated_text")} END, "
            + $"created_at = CASE WHEN translation_memory.approved THEN translation_memory.created_at ELSE {dialect.Inserted("created_at")} END",
            cancellationToken);

        var mine = outcomes.Where(o => ours.Contains(o.Job.JobId)).ToList();
        var updated = 0;
        if (mine.Count > 0)
        {
            await using var update = connection.CreateCommand();
            update.Transaction = transaction;
            update.AddParameter("@owner", leaseOwner);
            update.AddParameter("@translating", TranslationStatus.Translating);
            var sql = new StringBuilder();
            for (var i = 0; i < mine.Count; i++)
            {
                var outcome = mine[i];
                var done = outcome.Status == TranslationStatus.Translated;
                update.AddParameter($"@j{i}", outcome.Job.JobId);
                update.AddParameter($"@s{i}", outcome.Status);
                update.AddParameter($"@r{i}", outcome.Result);
                update.AddParameter($"@e{i}", outcome.Error);
                update.AddParameter($"@u{i}", outcome.Reused);
                update.AddParameter($"@d{i}", (long)outcome.RetryAfter.TotalMicroseconds);
                update.AddParameter($"@a{i}", outcome.RefundAttempt ? 1 : 0);
                update.AddParameter($"@c{i}", done);
                update.AddParameter($"@pn{i}", outcome.Provenance?.Name);
                update.AddParameter($"@pv{i}", outcome.Provenance?.Version);
                update.AddParameter($"@pp{i}", outcome.Provenance?.Producer);
                // A finished translation ends what a re-queue asked for (another engine, a fresh answer).
                sql.Append(CultureInfo.InvariantCulture, $"""
                    UPDATE translation_jobs
                    SET status = @s{i}, result = @r{i}, error = @e{i}, reused = @u{i}, attempts = attempts - @a{i},
                        lease_owner = NULL, lease_expires_at = NULL,
                        next_attempt_at = {dialect.PlusMicroseconds(dialect.UtcNow, $"@d{i}")}, updated_at = {dialect.UtcNow},
                        engine = COALESCE(@pn{i}, engine), engine_version = CASE WHEN @pn{i} IS NULL THEN engine_version ELSE @pv{i} END,
                        producer = COALESCE(@pp{i}, producer),
                        engine_override = CASE WHEN @c{i} THEN NULL ELSE engine_override END,
                        bypass_memory = CASE WHEN @c{i} THEN FALSE ELSE bypass_memory END
                    WHERE job_id = @j{i} AND lease_owner = @owner AND status = @translating;

                    """);
            }

            update.CommandText = sql.ToString();
            updated = await update.ExecuteNonQueryAsync(cancellationToken);
            await JobEventLog.AppendAsync(connection, transaction, dialect, actor,
                [.. mine.Select(o => new JobEvent(o.Job.JobId, o.Job.BusinessId, o.Job.TargetLang, o.Event, TranslationStatus.Translating, o.Status, o.Detail))],
                cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return updated;
    }

    /// <param name="assignments">What a remembered translation of the same key becomes; null keeps it.</param>
    private async Task RememberAsync(
        DbConnection connection, DbTransaction transaction, IReadOnlyList<MemoryEntry> memory, string? assignments, CancellationToken cancellationToken)
    {
        if (memory.Count == 0)
        {
            return;
        }

        await using var remember = connection.CreateCommand();
        remember.Transaction = transaction;
        var rows = new StringBuilder();
        for (var i = 0; i < memory.Count; i++)
        {
            rows.Append(i == 0 ? "" : ", ").Append(CultureInfo.InvariantCulture, $"(@s{i}, @t{i}, @h{i}, @x{i}, @e{i}, {dialect.UtcNow})");
            remember.AddParameter($"@s{i}", memory[i].SourceLang);
            remember.AddParameter($"@t{i}", memory[i].TargetLang);
            remember.AddParameter($"@h{i}", memory[i].ContentHash);
            remember.AddParameter($"@x{i}", memory[i].Text);
            remember.AddParameter($"@e{i}", memory[i].Engine);
        }

        remember.CommandText =
            $"INSERT INTO translation_memory (source_lang, target_lang, content_hash, translated_text, engine, created_at) VALUES {rows} "
            + dialect.OnDuplicateKey(MemoryKey, assignments);
        await remember.ExecuteNonQueryAsync(cancellationToken);
    }
}

/// <param name="Attempt">This claim's attempt number (attempts after the claim).</param>
/// <param name="Engine">The engine the job is claimed for.</param>
/// <param name="BypassMemory">Ask the engine even if memory knows the text (a forced re-translation).</param>
public sealed record ClaimedJob(
    string JobId, string BusinessId, string ContentHash, string SourceLang, string TargetLang, int Attempt, EngineIdentity Engine, bool BypassMemory);

/// <param name="Abandoned">Jobs failed at claim time because their last lease ran out.</param>
public sealed record ClaimResult(IReadOnlyList<ClaimedJob> Claimed, IReadOnlyList<ClaimedJob> Abandoned);

/// <summary>A remembered translation and the producer that made it.</summary>
public sealed record Remembered(string Text, string Producer);

/// <summary>
/// What to store for a claimed job: its next status, result or error, when it is due again, and its audit entry.
/// <see cref="Provenance"/> replaces the engine recorded at claim time (an approved translation another engine made).
/// </summary>
public sealed record JobOutcome(
    ClaimedJob Job, string Status, string? Result, string? Error, bool Reused, TimeSpan RetryAfter, bool RefundAttempt, string Event, string? Detail,
    EngineIdentity? Provenance = null)
{
    public static JobOutcome Translated(ClaimedJob job, string text) =>
        new(job, TranslationStatus.Translated, text, null, false, TimeSpan.Zero, false, JobEvents.Translated, $"by {job.Engine.Producer}");

    public static JobOutcome FromMemory(ClaimedJob job, Remembered remembered) =>
        new(job, TranslationStatus.Translated, remembered.Text, null, true, TimeSpan.Zero, false, JobEvents.Translated,
            $"from memory ({remembered.Producer})", remembered.Producer == job.Engine.Producer ? null : ProducerIdentity(remembered.Producer));

    public static JobOutcome Retry(ClaimedJob job, string error, TimeSpan delay) =>
        new(job, TranslationStatus.Pending, null, error, false, delay, false, JobEvents.Retried, error);

    public static JobOutcome Failed(ClaimedJob job, string error) =>
        new(job, TranslationStatus.Failed, null, error, false, TimeSpan.Zero, false, JobEvents.Failed, error);

    /// <summary>Not attempted at all (its content has not landed yet, the worker is stopping): back to pending without using an attempt.</summary>
    public static JobOutcome Deferred(ClaimedJob job, TimeSpan delay, string why) =>
        new(job, TranslationStatus.Pending, null, null, false, delay, true, JobEvents.Released, why);

    /// <summary>A memory key (<c>debug</c>, <c>openai:model</c>) as engine and version.</summary>
    private static EngineIdentity ProducerIdentity(string producer) =>
        producer.Split(':', 2) is [var name, var version] ? new(name, version, producer) : new(producer, "", producer);
}

/// <param name="Replace">A forced re-translation: replaces what the engine had remembered (unless approved).</param>
public sealed record MemoryEntry(string SourceLang, string TargetLang, string ContentHash, string Text, string Engine, bool Replace);
