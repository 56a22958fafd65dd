using System.Data.Common;
using System.Globalization;
using Persistence.Api.Translations;
using Persistence.Contracts;
using Persistence.Maintenance.Audit;
using Persistence.Storage;
using Translation.Worker.Processing;

namespace Integration.Tests.Translations.PostgreSql;

/// <summary>
/// The translation feature's SQL on PostgreSQL, run by the code the worker and the API run: claims and leases on the
/// database clock, outcomes under the lease, translation memory's upserts, the API's reads and transitions, and the
/// audit trail. Each test has a schema of its own on the PostgreSQL stack's server.
/// </summary>
[Collection(PostgresStackDefinition.Name)]
public sealed class PostgresTranslationTests(PostgresStackFixture stack) : IAsyncLifetime
{
    private readonly TranslationSchema _db = new(stack.DatabaseConnectionString);

    private static readonly EngineIdentity Debug = new(TranslationEngines.Debug, "1", "debug:1");
    private static readonly EngineIdentity OpenAi = new(TranslationEngines.OpenAi, "gpt", "openai:gpt");
    private static readonly CancellationToken None = CancellationToken.None;

    public Task InitializeAsync() => _db.InitializeAsync();

    public Task DisposeAsync() => _db.DisposeAsync();

    private JobStore Store => new(_db.DataSource, _db.Dialect);

    private JobTransitions Transitions => new(_db.DataSource, _db.Dialect);

    [Fact]
    public async Task A_claim_leases_due_jobs_on_the_database_clock_and_fails_a_job_whose_last_lease_ran_out()
    {
        var lang = "x-" + TranslationSchema.NewId()[..8];
        var (due, later, dying) = (TranslationSchema.NewId(), TranslationSchema.NewId(), TranslationSchema.NewId());
        await _db.AddJobAsync(due, "claim", TranslationSchema.NewHash(), lang);
        await _db.AddJobAsync(later, "claim", TranslationSchema.NewHash(), lang, dueIn: 3600);
        await _db.AddJobAsync(dying, "claim", TranslationSchema.NewHash(), lang, TranslationStatus.Translating, attempts: 3, dueIn: -1);

        var claim = await Store.ClaimAsync(lang, "w1/1", "w1", 10, 30, 3, _ => Debug, None);
        var again = await Store.ClaimAsync(lang, "w2/1", "w2", 10, 30, 3, _ => Debug, None);

        Assert.Equal([due], claim.Claimed.Select(j => j.JobId));
        Assert.Equal([dying], claim.Abandoned.Select(j => j.JobId));
        Assert.Empty(again.Claimed);
        var lease = Convert.ToDouble(await _db.ScalarAsync("SELECT EXTRACT(EPOCH FROM lease_expires_at - updated_at) FROM translation_jobs WHERE job_id = @j", ("@j", due)));
        Assert.InRange(lease, 29.9, 30.1);
        Assert.Equal("debug:1", await _db.ScalarAsync("SELECT producer FROM translation_jobs WHERE job_id = @j", ("@j", due)));
        Assert.Equal(
            "The lease expired on attempt 3 of 3: the worker stopped or hung while holding it.",
            await _db.ScalarAsync("SELECT error FROM translation_jobs WHERE job_id = @j AND status = 'failed'", ("@j", dying)));
        Assert.Equal("requested,claimed", await EventsAsync(due));
        Assert.Equal("requested,failed", await EventsAsync(dying));
    }

    [Fact]
    public async Task Outcomes_are_written_only_under_the_lease_with_retry_times_provenance_and_refunds()
    {
        var lang = "x-" + TranslationSchema.NewId()[..8];
        var (done, retried, fromMemory, deferred) = (TranslationSchema.NewId(), TranslationSchema.NewId(), TranslationSchema.NewId(), TranslationSchema.NewId());
        foreach (var id in new[] { done, retried, fromMemory, deferred })
        {
            await _db.AddJobAsync(id, "record", TranslationSchema.NewHash(), lang);
        }

        await _db.ExecuteAsync("UPDATE translation_jobs SET engine_override = 'openai', bypass_memory = TRUE WHERE job_id = @j", ("@j", fromMemory));
        var claim = await Store.ClaimAsync(lang, "w1/1", "w1", 10, 30, 3, o => o is null ? Debug : OpenAi, None);
        var job = claim.Claimed.ToDictionary(j => j.JobId);
        IReadOnlyList<JobOutcome> outcomes =
        [
            JobOutcome.Translated(job[done], "bonjour"),
            JobOutcome.Retry(job[retried], "engine busy", TimeSpan.FromMilliseconds(2500)),
            JobOutcome.FromMemory(job[fromMemory], new Remembered("salut", "debug:1")),
            JobOutcome.Deferred(job[deferred], TimeSpan.Zero, "stopping"),
        ];

        var lost = await Store.RecordAsync("w9/9", "w9", outcomes, [], None);
        var recorded = await Store.RecordAsync("w1/1", "w1", outcomes, [], None);

        Assert.Equal((0, 4), (lost, recorded));
        Assert.Equal("translated/bonjour/false/debug/1", await RowAsync(done, "status || '/' || result || '/' || reused::text || '/' || engine || '/' || engine_version"));
        var retryIn = Convert.ToDouble(await _db.ScalarAsync("SELECT EXTRACT(EPOCH FROM next_attempt_at - updated_at) FROM translation_jobs WHERE job_id = @j", ("@j", retried)));
        Assert.Equal(2.5, retryIn, 3);
        Assert.Equal("pending/engine busy/1", await RowAsync(retried, "status || '/' || error || '/' || attempts"));
        // Answered from another engine's memory: that engine is recorded, and the re-queue's asks end with the translation.
        Assert.Equal(
            "debug/1/debug:1/true/none/false",
            await RowAsync(fromMemory, "engine || '/' || engine_version || '/' || producer || '/' || reused::text || '/' || COALESCE(engine_override, 'none') || '/' || bypass_memory::text"));
        Assert.Equal("pending/0", await RowAsync(deferred, "status || '/' || attempts"));
        Assert.Equal("requested,claimed,translated", await EventsAsync(done));
    }

    [Fact]
    public async Task Memory_keeps_an_engines_first_translation_a_forced_one_replaces_it_and_an_approved_one_stays()
    {
        var lang = "x-" + TranslationSchema.NewId()[..8];
        var hash = TranslationSchema.NewHash();
        var jobId = TranslationSchema.NewId();
        await _db.AddJobAsync(jobId, "memory", hash, lang);
        var job = (await Store.ClaimAsync(lang, "w1/1", "w1", 10, 30, 3, _ => Debug, None)).Claimed.Single();

        async Task<string?> TranslateAsync(string text, bool replace)
        {
            await _db.ExecuteAsync("UPDATE translation_jobs SET status = 'translating', lease_owner = 'w1/1' WHERE job_id = @j", ("@j", jobId));
            await Store.RecordAsync("w1/1", "w1", [JobOutcome.Translated(job, text)], [new("en", lang, hash, text, "debug:1", replace)], None);
            return (string?)await _db.ScalarAsync("SELECT translated_text FROM translation_memory WHERE content_hash = @h AND engine = 'debug:1'", ("@h", hash));
        }

        var first = await TranslateAsync("bonjour", replace: false);
        var kept = await TranslateAsync("salut", replace: false);
        var forced = await TranslateAsync("salut", replace: true);
        var mine = await Store.MemoryAsync(lang, "debug:1", false, [("en", hash)], None);
        var others = await Store.MemoryAsync(lang, "openai:gpt", false, [("en", hash)], None);
        var anyEngine = await Store.MemoryAsync(lang, "openai:gpt", true, [("en", hash)], None);
        var approval = await Transitions.ApproveAsync(jobId, "reviewer", "good", None);
        var afterApproval = await TranslateAsync("coucou", replace: true);

        Assert.Equal(("bonjour", "bonjour", "salut"), (first, kept, forced));
        Assert.Equal("salut", mine[hash].Text);
        Assert.Empty(others);
        Assert.Equal("debug:1", anyEngine[hash].Producer);
        Assert.Equal(TransitionResult.Done, approval.Result);
        Assert.Equal("salut", afterApproval);
        Assert.Equal(true, await _db.ScalarAsync("SELECT approved FROM translation_memory WHERE content_hash = @h", ("@h", hash)));
        Assert.Equal("salut", (await Store.MemoryAsync(lang, "openai:gpt", false, [("en", hash)], None))[hash].Text);
    }

    [Fact]
    public async Task The_api_reads_the_newest_job_per_language_pages_of_jobs_history_and_failed_jobs()
    {
        var business = "reads-" + TranslationSchema.NewId();
        var ids = Enumerable.Range(0, 4).Select(_ => TranslationSchema.NewId()).Order(StringComparer.Ordinal).ToArray();
        await _db.AddJobAsync(ids[0], business, TranslationSchema.NewHash(), "fr", createdAgo: 120);
        await _db.AddJobAsync(ids[1], business, TranslationSchema.NewHash(), "fr", createdAgo: 60);
        await _db.AddJobAsync(ids[2], business, TranslationSchema.NewHash(), "de");
        await _db.AddJobAsync(ids[3], business, TranslationSchema.NewHash(), "ja", TranslationStatus.Failed);
        await _db.ExecuteAsync("UPDATE translation_jobs SET engine = 'debug', reused = TRUE WHERE job_id = @j", ("@j", ids[3]));
        var queries = new TranslationQueries(_db.DataSource);
        var history = new HistoryQueries(_db.DataSource);
        var failed = new FailedJobQueries(_db.DataSource);
        var hour = TimeSpan.FromHours(1);

        var newest = await queries.ByBusinessIdAsync(business, null, None);
        var french = await queries.ByBusinessIdAsync(business, "fr", None);
        var page = await queries.PageAsync(TranslationStatus.Pending, "fr", ids[0], 10, None);
        var entries = await history.PageAsync(business, null, 0, 100, None);
        var frenchEntries = await history.PageAsync(business, "fr", long.Parse(entries[0].EventId, CultureInfo.InvariantCulture), 10, None);
        var failedPage = await failed.PageAsync(new FailedJobFilter("ja", "debug", DateTime.UtcNow - hour, DateTime.UtcNow + hour), null, 10, None);
        var position = FailedJobQueries.ParsePosition(FailedJobQueries.Position(failedPage[0]));
        var beforeIt = await failed.PageAsync(new FailedJobFilter("ja", null, null, null), position, 10, None);

        Assert.Equal(["de", "fr", "ja"], newest.Select(j => j.TargetLang));
        Assert.Equal(ids[1], newest.Single(j => j.TargetLang == "fr").JobId);
        Assert.Equal([ids[1]], french.Select(j => j.JobId));
        Assert.Equal(TimeSpan.Zero, french[0].CreatedAt.Offset);
        Assert.True(newest.Single(j => j.TargetLang == "ja").Reused);
        Assert.Equal([ids[1]], page.Select(j => j.JobId));
        Assert.Equal(4, entries.Count);
        Assert.Equal([ids[1]], frenchEntries.Select(e => e.JobId));
        Assert.True(await history.HasJobsAsync(business, None));
        Assert.False(await history.HasJobsAsync(business + "-none", None));
        Assert.Equal([ids[3]], failedPage.Select(j => j.JobId));
        Assert.Empty(beforeIt);
    }

    [Fact]
    public async Task Transitions_reject_requeue_retry_retranslate_and_requeue_failed_jobs_in_bulk()
    {
        var lang = "x-" + TranslationSchema.NewId()[..8];
        var (translated, failedJob, other) = (TranslationSchema.NewId(), TranslationSchema.NewId(), TranslationSchema.NewId());
        var hash = TranslationSchema.NewHash();
        await _db.AddJobAsync(translated, "transitions", hash, lang, TranslationStatus.Translated);
        await _db.AddJobAsync(failedJob, "transitions", TranslationSchema.NewHash(), lang, TranslationStatus.Failed);
        await _db.AddJobAsync(other, "transitions", TranslationSchema.NewHash(), lang, TranslationStatus.Failed);
        await _db.ExecuteAsync("UPDATE translation_jobs SET result = 'x', engine = 'debug' WHERE job_id IN (@a, @b, @c)", ("@a", translated), ("@b", failedJob), ("@c", other));
        await _db.ExecuteAsync("INSERT INTO translation_memory VALUES ('en', @l, @h, 'x', 'debug:1', clock_timestamp(), FALSE)", ("@l", lang), ("@h", hash));

        var refused = await Transitions.RequeueAsync(translated, "reviewer", null, None);
        var rejected = await Transitions.RejectAsync(translated, "reviewer", "wrong", None);
        var forgotten = await _db.ScalarAsync("SELECT COUNT(*) FROM translation_memory WHERE content_hash = @h", ("@h", hash));
        var requeued = await Transitions.RequeueAsync(translated, "reviewer", TranslationEngines.OpenAi, None);
        var afterRequeue = await RowAsync(translated, "status || '/' || engine_override || '/' || bypass_memory::text || '/' || COALESCE(review_status, 'none') || '/' || (next_attempt_at <= clock_timestamp())::text");
        var retried = await Transitions.RetryFailedAsync(failedJob, "operator", None);
        var retranslated = await Transitions.RetranslateAsync([translated, failedJob], "operator", None);
        var bulk = await Transitions.RequeueFailedAsync(new FailedJobFilter(lang, "debug", DateTime.UtcNow.AddHours(-1), null), 1, null, "operator", None);
        var rest = await Transitions.RequeueFailedAsync(new FailedJobFilter(lang, null, null, null), 10, null, "operator", None);
        var missing = await Transitions.ApproveAsync(TranslationSchema.NewId(), "reviewer", null, None);

        Assert.Equal(TransitionResult.Refused, refused.Result);
        Assert.Equal(TransitionResult.Done, rejected.Result);
        Assert.Equal(0L, forgotten);
        Assert.Equal(TransitionResult.Done, requeued.Result);
        Assert.Equal("pending/openai/true/none/true", afterRequeue);
        Assert.Equal(TransitionResult.Done, retried.Result);
        Assert.Empty(retranslated.Requeued);
        Assert.Equal(2, retranslated.Skipped.Count);
        Assert.Equal([other], bulk.Select(j => j.JobId));
        Assert.Empty(rest);
        Assert.Equal(TransitionResult.Missing, missing.Result);
        Assert.Equal("requested,rejected,requeued", await EventsAsync(translated));
    }

    [Fact]
    public async Task Audit_details_are_cut_to_their_limit_and_old_entries_are_collected_in_chunks()
    {
        var jobId = TranslationSchema.NewId();
        await _db.AddJobAsync(jobId, "audit", TranslationSchema.NewHash(), "fr");
        await using (var connection = await _db.DataSource.OpenConnectionAsync())
        await using (var transaction = await connection.BeginTransactionAsync())
        {
            await JobEventLog.AppendAsync(connection, transaction, _db.Dialect, "tester",
                [new(jobId, "audit", "fr", "note", null, "pending", new string('x', 3000)), new(jobId, "audit", "fr", "note", "pending", "pending", null)], None);
            await transaction.CommitAsync();
        }

        var longest = await _db.ScalarAsync("SELECT MAX(length(detail)) FROM translation_job_events WHERE job_id = @j", ("@j", jobId));
        await _db.ExecuteAsync("UPDATE translation_job_events SET created_at = created_at - INTERVAL '400 days' WHERE job_id = @j", ("@j", jobId));
        var cutoff = DateTime.UtcNow.AddDays(-365);
        await using var collector = await _db.DataSource.OpenConnectionAsync();
        var old = await JobEventCollector.CountAsync(collector, cutoff, None);
        var deleted = await JobEventCollector.DeleteAsync(collector, _db.Dialect, cutoff, 2, None);

        Assert.Equal(JobEventLog.MaxDetailLength + 1, longest);
        Assert.Equal((3L, 3L), (old, deleted));
        Assert.Equal(0L, await JobEventCollector.CountAsync(collector, cutoff, None));
    }

    /// <summary>Npgsql sends strings as text, so a key column that text does not compare with directly (CHAR) would be scanned.</summary>
    [Fact]
    public async Task Lookups_by_job_id_and_content_hash_use_their_primary_keys()
    {
        await using var connection = await _db.DataSource.OpenConnectionAsync();
        await using (var off = connection.CreateCommand())
        {
            off.CommandText = "SET enable_seqscan = off";
            await off.ExecuteNonQueryAsync();
        }

        foreach (var (sql, key) in new[]
        {
            ("SELECT * FROM translation_jobs WHERE job_id = @v", TranslationSchema.NewId()),
            ("SELECT * FROM translation_jobs WHERE job_id > @v ORDER BY job_id LIMIT 2", TranslationSchema.NewId()),
            ("SELECT * FROM translation_contents WHERE content_hash IN (@v)", TranslationSchema.NewHash()),
            ("SELECT * FROM translation_memory WHERE target_lang = 'fr' AND content_hash IN (@v)", TranslationSchema.NewHash()),
        })
        {
            await using var explain = connection.CreateCommand();
            explain.CommandText = "EXPLAIN " + sql;
            explain.AddParameter("@v", key);
            var plan = string.Join("\n", await PlanAsync(explain));
            Assert.Contains("Index Cond", plan, StringComparison.Ordinal);
            Assert.DoesNotContain("Seq Scan", plan, StringComparison.Ordinal);
        }
    }

    private static async Task<List<string>> PlanAsync(DbCommand explain)
    {
        var lines = new List<string>();
        await using var reader = await explain.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            lines.Add(reader.GetString(0));
        }

        return lines;
    }

    private async Task<string?> RowAsync(string jobId, string expression) =>
        (string?)await _db.ScalarAsync($"SELECT {expression} FROM translation_jobs WHERE job_id = @j", ("@j", jobId));

    private async Task<string?> EventsAsync(string jobId) =>
        (string?)await _db.ScalarAsync("SELECT string_agg(event, ',' ORDER BY event_id) FROM translation_job_events WHERE job_id = @j", ("@j", jobId));
}
