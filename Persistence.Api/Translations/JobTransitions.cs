using System.Data;
using System.Data.Common;
using System.Globalization;
using Persistence.Contracts;
using Persistence.Contracts.Translations;
using Persistence.Maintenance.Audit;
using Persistence.Storage;

namespace Persistence.Api.Translations;

/// <summary>
/// The changes a person makes to jobs (retry, review, re-queue, forced re-translation). Each locks the rows it
/// changes, checks they may change, changes them and writes their audit entries in one transaction, so a refused or
/// failed change leaves no trace and a made one is never missing from the trail.
/// </summary>
public sealed class JobTransitions(DbDataSource dataSource, StorageDialect dialect)
{
    /// <summary>translation_memory's primary key.</summary>
    private const string MemoryKey = "content_hash, target_lang, source_lang, engine";

    private const string LockedColumns =
        "job_id, business_id, target_lang, source_lang, content_hash, status, review_status, result, producer";

    /// <summary>A failed job back to pending with a fresh set of attempts.</summary>
    public Task<TransitionOutcome> RetryFailedAsync(string jobId, string actor, CancellationToken cancellationToken) =>
        ApplyOneAsync(jobId, actor, job => job.Status == TranslationStatus.Failed ? null : "only a failed job can be retried",
            async (connection, transaction, job) =>
            {
                await RequeueAsync(connection, transaction, [job.JobId], TranslationStatus.Failed, engineOverride: null, bypassMemory: false, cancellationToken);
                return new JobEvent(job.JobId, job.BusinessId, job.TargetLang, JobEvents.Requeued, job.Status, TranslationStatus.Pending, "retry of a failed job");
            },
            cancellationToken);

    /// <summary>Approves a translated job, and makes its translation the one memory prefers for the same content.</summary>
    public Task<TransitionOutcome> ApproveAsync(string jobId, string actor, string? note, CancellationToken cancellationToken) =>
        ApplyOneAsync(jobId, actor,
            job => job.Status == TranslationStatus.Translated && job.Result is not null ? null : "only a translated job can be approved",
            async (connection, transaction, job) =>
            {
                await ReviewAsync(connection, transaction, job.JobId, ReviewStatus.Approved, actor, note, cancellationToken);
                await using var remember = connection.CreateCommand();
                remember.Transaction = transaction;
                remember.CommandText =
                    $"""
                    INSERT INTO translation_memory (source_lang, target_lang, content_hash, translated_text, engine, approved, created_at)
                    VALUES (@source, @target, @hash, @text, @producer, TRUE, {dialect.UtcNow})
                    {dialect.OnDuplicateKey(MemoryKey, $"translated_text = {dialect.Inserted("translated_text")}, approved = TRUE")}
                    """;
                AddMemoryKey(remember, job);
                remember.AddParameter("@text", job.Result);
                // A job from before engines were recorded is remembered as reviewed by a person.
                remember.AddParameter("@producer", job.Producer ?? "reviewed");
                await remember.ExecuteNonQueryAsync(cancellationToken);
                return new JobEvent(job.JobId, job.BusinessId, job.TargetLang, JobEvents.Approved, job.Status, job.Status, note);
            },
            cancellationToken);

    /// <summary>Rejects a translated job; its text is forgotten by memory so that no other job is answered with it.</summary>
    public Task<TransitionOutcome> RejectAsync(string jobId, string actor, string? note, CancellationToken cancellationToken) =>
        ApplyOneAsync(jobId, actor,
            job => job.Status == TranslationStatus.Translated ? null : "only a translated job can be rejected",
            async (connection, transaction, job) =>
            {
                await ReviewAsync(connection, transaction, job.JobId, ReviewStatus.Rejected, actor, note, cancellationToken);
                await using var forget = connection.CreateCommand();
                forget.Transaction = transaction;
                forget.CommandText =
                    """
                    DELETE FROM translation_memory
                    WHERE content_hash = @hash AND target_lang = @target AND source_lang = @source AND translated_text = @text
                    """;
                AddMemoryKey(forget, job);
                forget.AddParameter("@text", job.Result);
                await forget.ExecuteNonQueryAsync(cancellationToken);
                return new JobEvent(job.JobId, job.BusinessId, job.TargetLang, JobEvents.Rejected, job.Status, job.Status, note);
            },
            cancellationToken);

    /// <summary>A rejected (or failed) job back to pending, asking the engine afresh, optionally another engine.</summary>
    public Task<TransitionOutcome> RequeueAsync(string jobId, string actor, string? engine, CancellationToken cancellationToken) =>
        ApplyOneAsync(jobId, actor,
            job => job.ReviewStatus == ReviewStatus.Rejected || job.Status == TranslationStatus.Failed ? null : "only a rejected or failed job can be re-queued",
            async (connection, transaction, job) =>
            {
                await RequeueAsync(connection, transaction, [job.JobId], job.Status, engine, bypassMemory: true, cancellationToken);
                return new JobEvent(job.JobId, job.BusinessId, job.TargetLang, JobEvents.Requeued, job.Status, TranslationStatus.Pending,
                    engine is null ? null : $"to the {engine} engine");
            },
            cancellationToken);

    /// <summary>
    /// Sends the newest job of each of <paramref name="jobIds"/> to the engine again, bypassing memory. Jobs still on
    /// their way (pending, translating) and approved ones are skipped: an approved translation is only replaced by a
    /// person (reject, then re-queue).
    /// </summary>
    public async Task<RetranslationOutcome> RetranslateAsync(IReadOnlyList<string> jobIds, string actor, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken);
        var jobs = await LockAsync(connection, transaction, JobIdIn(jobIds), limit: null, skipLocked: false, cancellationToken);
        var skipped = new List<SkippedJob>();
        var chosen = new List<LockedJob>();
        foreach (var job in jobs)
        {
            var reason = job switch
            {
                { Status: TranslationStatus.Pending or TranslationStatus.Translating } => $"already {job.Status}",
                { ReviewStatus: ReviewStatus.Approved } => "approved: reject it first to replace it",
                _ => null,
            };
            if (reason is null)
            {
                chosen.Add(job);
            }
            else
            {
                skipped.Add(new SkippedJob(job.JobId, job.TargetLang, reason));
            }
        }

        foreach (var byStatus in chosen.GroupBy(j => j.Status))
        {
            await RequeueAsync(connection, transaction, [.. byStatus.Select(j => j.JobId)], byStatus.Key, engineOverride: null, bypassMemory: true, cancellationToken);
        }

        await JobEventLog.AppendAsync(connection, transaction, dialect, actor,
            [.. chosen.Select(j => new JobEvent(j.JobId, j.BusinessId, j.TargetLang, JobEvents.Retranslate, j.Status, TranslationStatus.Pending, "forced, memory bypassed"))],
            cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new RetranslationOutcome([.. chosen.Select(j => new JobReference(j.JobId, j.TargetLang))], skipped);
    }

    /// <summary>
    /// Up to <paramref name="limit"/> failed jobs matching <paramref name="filter"/>, oldest failure first, back to
    /// pending. Rows another re-queue is taking are skipped rather than waited for. Returns the jobs re-queued.
    /// </summary>
    public async Task<IReadOnlyList<JobReference>> RequeueFailedAsync(
        FailedJobFilter filter, int limit, string? engine, string actor, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken);
        var jobs = await LockAsync(connection, transaction, filter.Condition(), limit, skipLocked: true, cancellationToken);
        if (jobs.Count > 0)
        {
            await RequeueAsync(connection, transaction, [.. jobs.Select(j => j.JobId)], TranslationStatus.Failed, engine, bypassMemory: false, cancellationToken);
            await JobEventLog.AppendAsync(connection, transaction, dialect, actor,
                [.. jobs.Select(j => new JobEvent(j.JobId, j.BusinessId, j.TargetLang, JobEvents.Requeued, j.Status, TranslationStatus.Pending,
                    engine is null ? "bulk re-queue" : $"bulk re-queue to the {engine} engine"))],
                cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return [.. jobs.Select(j => new JobReference(j.JobId, j.TargetLang))];
    }

    private async Task<TransitionOutcome> ApplyOneAsync(
        string jobId, string actor, Func<LockedJob, string?> refusal, Func<DbConnection, DbTransaction, LockedJob, Task<JobEvent>> change,
        CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken);
        var jobs = await LockAsync(connection, transaction, JobIdIn([jobId]), limit: null, skipLocked: false, cancellationToken);
        if (jobs is not [var job])
        {
            return TransitionOutcome.Missing;
        }

        if (refusal(job) is { } why)
        {
            return new TransitionOutcome(TransitionResult.Refused, job.Status, job.ReviewStatus, why);
        }

        var entry = await change(connection, transaction, job);
        await JobEventLog.AppendAsync(connection, transaction, dialect, actor, [entry], cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new TransitionOutcome(TransitionResult.Done, entry.NewStatus, job.ReviewStatus, null);
    }

    private static async Task<List<LockedJob>> LockAsync(
        DbConnection connection, DbTransaction transaction, SqlCondition condition, int? limit, bool skipLocked, CancellationToken cancellationToken)
    {
        await using var select = connection.CreateCommand();
        select.Transaction = transaction;
        condition.Bind(select);
        select.CommandText = $"SELECT {LockedColumns} FROM translation_jobs WHERE {condition.Sql}"
            + (limit is null ? "" : " ORDER BY updated_at, job_id LIMIT @limit")
            + (skipLocked ? " FOR UPDATE SKIP LOCKED" : " FOR UPDATE");
        if (limit is { } l)
        {
            select.AddParameter("@limit", l);
        }

        var jobs = new List<LockedJob>();
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            jobs.Add(new LockedJob(
                reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4), reader.GetString(5),
                await reader.IsDBNullAsync(6, cancellationToken) ? null : reader.GetString(6),
                await reader.IsDBNullAsync(7, cancellationToken) ? null : reader.GetString(7),
                await reader.IsDBNullAsync(8, cancellationToken) ? null : reader.GetString(8)));
        }

        return jobs;
    }

    /// <summary>Back to pending, due now, with a fresh set of attempts and no review: the next translation is new.</summary>
    private async Task RequeueAsync(
        DbConnection connection, DbTransaction transaction, IReadOnlyList<string> jobIds, string expectedStatus, string? engineOverride,
        bool bypassMemory, CancellationToken cancellationToken)
    {
        await using var update = connection.CreateCommand();
        update.Transaction = transaction;
        var names = update.AddList("j", jobIds);
        update.CommandText =
            $"""
            UPDATE translation_jobs
            SET status = @pending, attempts = 0, error = NULL, next_attempt_at = {dialect.UtcNow}, updated_at = {dialect.UtcNow},
                engine_override = @engine, bypass_memory = @bypass,
                review_status = NULL, reviewed_by = NULL, reviewed_at = NULL, review_note = NULL
            WHERE job_id IN ({names}) AND status = @expected
            """;
        update.AddParameter("@pending", TranslationStatus.Pending);
        update.AddParameter("@expected", expectedStatus);
        update.AddParameter("@engine", engineOverride);
        update.AddParameter("@bypass", bypassMemory);
        await update.ExecuteNonQueryAsync(cancellationToken);
    }

    private async Task ReviewAsync(
        DbConnection connection, DbTransaction transaction, string jobId, string decision, string actor, string? note, CancellationToken cancellationToken)
    {
        await using var update = connection.CreateCommand();
        update.Transaction = transaction;
        update.CommandText =
            $"""
            UPDATE translation_jobs
            SET review_status = @decision, reviewed_by = @actor, reviewed_at = {dialect.UtcNow}, review_note = @note, updated_at = {dialect.UtcNow}
            WHERE job_id = @job
            """;
        update.AddParameter("@decision", decision);
        update.AddParameter("@actor", actor);
        update.AddParameter("@note", note);
        update.AddParameter("@job", jobId);
        await update.ExecuteNonQueryAsync(cancellationToken);
    }

    private static SqlCondition JobIdIn(IReadOnlyList<string> jobIds)
    {
        var names = string.Join(", ", jobIds.Select((_, i) => string.Create(CultureInfo.InvariantCulture, $"@v{i}")));
        return new SqlCondition($"job_id IN ({names})", command => command.AddList("v", jobIds));
    }

    private static void AddMemoryKey(DbCommand command, LockedJob job)
    {
        command.AddParameter("@source", job.SourceLang);
        command.AddParameter("@target", job.TargetLang);
        command.AddParameter("@hash", job.ContentHash);
    }

    private sealed record LockedJob(
        string JobId, string BusinessId, string TargetLang, string SourceLang, string ContentHash, string Status, string? ReviewStatus, string? Result,
        string? Producer);
}

/// <summary>A WHERE condition and the parameters it names.</summary>
public sealed record SqlCondition(string Sql, Action<DbCommand> Bind);

public enum TransitionResult
{
    Done,
    Missing,
    Refused,
}

/// <summary>What became of a change to one job; for a refused one, its state and why.</summary>
public sealed record TransitionOutcome(TransitionResult Result, string? Status, string? ReviewStatus, string? Reason)
{
    public static TransitionOutcome Missing { get; } = new(TransitionResult.Missing, null, null, null);
}

public sealed record RetranslationOutcome(IReadOnlyList<JobReference> Requeued, IReadOnlyList<SkippedJob> Skipped);
