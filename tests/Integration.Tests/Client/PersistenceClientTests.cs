using System.Net;
using System.Text.Json;
using Gateway.ApiKeys;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Persistence.Client;
using Persistence.Client.Models;
using Persistence.Contracts;
using Persistence.Contracts.DeadLetters;
using Persistence.Contracts.Queries;
using Persistence.Contracts.Translations;

namespace Integration.Tests.Client;

/// <summary>Every typed call of the SDK against the running stack, through the gateway, as an application registers it.</summary>
[Collection(StackDefinition.Name)]
public sealed class PersistenceClientTests(StackFixture stack) : IAsyncLifetime
{
    private IHost _host = null!;

    private PersistenceClient Client => _host.Services.GetRequiredService<PersistenceClient>();

    public async Task InitializeAsync()
    {
        _host = ClientHost.Build(stack.GatewayEndpoints[0], stack.ApiKey);
        await _host.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }

    [Fact]
    public async Task Persisted_sessions_and_tasks_are_readable_by_id_once_flush_all_returns()
    {
        var prefix = Records.Prefix();
        var window = Reads.Window();
        var sessions = await Client.PersistSessionsAsync([TypedRecords.Session($"{prefix}-s", "processing", window, window.AddSeconds(5), totalTasks: 2)]);
        var tasks = await Client.PersistTasksAsync(
        [
            TypedRecords.Task($"{prefix}-t1", $"{prefix}-s", "completed", window, window.AddSeconds(6), "Bonjour"),
            TypedRecords.Task($"{prefix}-t2", $"{prefix}-s", "pending", window, window.AddSeconds(6)),
        ]);
        var flushed = await Client.FlushAllAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(("accepted", 1), (sessions.Status, sessions.Count));
        Assert.Equal(("accepted", 2), (tasks.Status, tasks.Count));
        Assert.Equal("flushed", flushed.Status);
        Assert.Contains(flushed.Streams.Keys, k => StreamShards.StreamOf(k) == PersistenceStreams.Tasks);

        var session = await Client.GetSessionAsync($"{prefix}-s");
        Assert.NotNull(session);
        Assert.Equal("processing", session.Status);
        Assert.Equal(new[] { "zh-CN", "fr" }, session.TargetLangs!.Value.EnumerateArray().Select(l => l.GetString()));
        Assert.Equal(window.AddSeconds(5), session.UpdatedAt);
        Assert.Equal("client", session.Metadata!.Value.GetProperty("project").GetString());
        Assert.Equal(2, session.Tasks!.Total);
        Assert.Equal(1, session.Tasks.ByStatus["completed"]);

        var task = await Client.GetTaskAsync($"{prefix}-t1", ReadConsistency.Strong);
        Assert.NotNull(task);
        Assert.Equal(("completed", "Bonjour", "Hello " + prefix + "-t1"), (task.Status, task.TranslatedText, task.SourceText));

        var stats = await Client.GetStatsAsync();
        Assert.True(stats.Streams.Where(s => StreamShards.StreamOf(s.Stream) == PersistenceStreams.Tasks).Sum(s => s.FlushedTotal) >= 2);
        Assert.Equal(PersistenceStreams.DeadLetters, stats.DeadLetters.Stream);
    }

    [Fact]
    public async Task Lists_are_enumerated_page_by_page_following_next_cursor()
    {
        var prefix = Records.Prefix();
        var window = Reads.Window();
        await Client.PersistSessionsAsync(
            [.. Enumerable.Range(0, 7).Select(i => TypedRecords.Session($"{prefix}-s{i}", "paused", window.AddMinutes(i), window.AddMinutes(i)))]);
        await Client.PersistTasksAsync(
            [.. Enumerable.Range(0, 5).Select(i => TypedRecords.Task($"{prefix}-t{i}", $"{prefix}-s0", "pending", window, window))]);
        await Client.FlushAllAsync(TimeSpan.FromSeconds(60));

        var query = new SessionQuery { From = window, To = window.AddDays(1), PageSize = 3, Ascending = true };
        var first = await Client.GetSessionPageAsync(query);
        Assert.Equal((7L, false, 3), (first.Total, first.TotalIsLowerBound, first.Items.Count));
        Assert.NotNull(first.NextCursor);

        var sessions = await ToListAsync(Client.ListSessionsAsync(query));
        Assert.Equal(Enumerable.Range(0, 7).Select(i => $"{prefix}-s{i}"), sessions.Select(s => s.SessionId));

        var tasks = await ToListAsync(Client.ListTasksAsync($"{prefix}-s0", new TaskQuery { PageSize = 2, Statuses = ["pending"] }));
        Assert.Equal(Enumerable.Range(0, 5).Select(i => $"{prefix}-t{i}"), tasks.Select(t => t.TaskId));

        // Newest first across the whole database: ours are found however many other tests left behind.
        var incomplete = new HashSet<string>();
        await foreach (var session in Client.ListIncompleteSessionsAsync(pageSize: 200))
        {
            if (session.SessionId.StartsWith(prefix, StringComparison.Ordinal) && incomplete.Add(session.SessionId) && incomplete.Count == 7)
            {
                break;
            }
        }

        Assert.Equal(7, incomplete.Count);
    }

    [Fact]
    public async Task Unknown_ids_read_as_null_and_a_refused_batch_names_the_item_and_field()
    {
        Assert.Null(await Client.GetSessionAsync("no-such-session-" + Records.Prefix()));
        Assert.Null(await Client.GetTaskAsync("no-such-task-" + Records.Prefix()));
        Assert.Null(await Client.RestoreSessionAsync("no-such-session-" + Records.Prefix()));
        Assert.Null(await Client.GetTranslationAsync("no/such/business-id-" + Records.Prefix()));

        var prefix = Records.Prefix();
        var now = DateTimeOffset.UtcNow;
        var refused = await Assert.ThrowsAsync<PersistenceApiException>(() => Client.PersistTasksAsync(
        [
            TypedRecords.Task($"{prefix}-t0", $"{prefix}-s", "pending", now, now),
            TypedRecords.Task($"{prefix}-t1", $"{prefix}-s", "exploded", now, now),
        ]));
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.False(refused.IsTransient);
        Assert.Contains(refused.Errors, e => e is { Index: 1, Field: "status" });

        var badQuery = await Assert.ThrowsAsync<PersistenceApiException>(() => ToListAsync(Client.ListTasksAsync("any", new TaskQuery { PageSize = 100_000 })));
        Assert.Contains(badQuery.Errors, e => e.Field == "page_size");
    }

    [Fact]
    public async Task Restore_is_a_stream_of_the_session_and_its_unfinished_tasks()
    {
        var prefix = Records.Prefix();
        var window = Reads.Window();
        await Client.PersistSessionsAsync([TypedRecords.Session($"{prefix}-s", "processing", window, window)]);
        await Client.PersistTasksAsync(
        [
            TypedRecords.Task($"{prefix}-t1", $"{prefix}-s", "pending", window, window),
            TypedRecords.Task($"{prefix}-t2", $"{prefix}-s", "completed", window, window, "fait"),
        ]);

        await using var package = await Client.RestoreSessionAsync($"{prefix}-s", ReadConsistency.Strong);
        Assert.NotNull(package);
        using var document = await JsonDocument.ParseAsync(package);
        var root = document.RootElement;
        Assert.Equal($"{prefix}-s", root.GetProperty("session").GetProperty("session_id").GetString());
        Assert.Equal(new[] { $"{prefix}-t1" }, root.GetProperty("tasks").EnumerateArray().Select(t => t.GetProperty("task_id").GetString()));
        Assert.True(root.GetProperty("complete").GetBoolean());
    }

    [Fact]
    public async Task Translations_are_requested_read_listed_and_a_failed_job_retried()
    {
        var prefix = Records.Prefix();
        var one = await Client.RequestTranslationAsync(new TranslationRequest
        {
            BusinessId = $"client/{prefix}/title",
            Text = "Hello",
            SourceLang = "en",
            TargetLangs = ["fr", "de"],
        });
        var batch = await Client.RequestTranslationsAsync(
        [
            new TranslationRequest { BusinessId = $"client/{prefix}/save", Text = "Save", SourceLang = "en", TargetLangs = ["fr"] },
            new TranslationRequest { BusinessId = $"client/{prefix}/broken", Text = "debug:fail " + prefix, SourceLang = "en", TargetLangs = ["fr"] },
        ]);
        Assert.Equal(2, one.Jobs.Count);
        Assert.Equal(2, batch.Count);
        await Client.FlushAllAsync(TimeSpan.FromSeconds(60));

        var translated = await EventuallyAsync(
            () => Client.GetTranslationAsync($"client/{prefix}/title", "fr"), state => state?.Translations.SingleOrDefault()?.Status == "translated");
        Assert.Equal("[fr] olleH", translated!.Translations[0].Result);
        var failed = await EventuallyAsync(
            () => Client.GetTranslationAsync($"client/{prefix}/broken"), state => state?.Translations.SingleOrDefault()?.Status == "failed");
        var failedJob = failed!.Translations[0].JobId;

        // Job-id order by keyset cursor, two per page: ascending and without repeats across pages.
        var jobs = new List<string>();
        await foreach (var job in Client.ListTranslationJobsAsync(new TranslationJobQuery { Lang = "fr", PageSize = 2 }))
        {
            jobs.Add(job.JobId);
            if (jobs.Count == 5)
            {
                break;
            }
        }

        Assert.Equal(jobs.Order(StringComparer.Ordinal), jobs);
        Assert.Equal(jobs.Count, jobs.Distinct().Count());
        var failedList = await ToListAsync(Client.ListTranslationJobsAsync(new TranslationJobQuery { Status = "failed", Lang = "fr", PageSize = 1000 }));
        Assert.Contains(failedList, j => j.JobId == failedJob);

        var requeued = await Client.RetryTranslationJobAsync(failedJob);
        Assert.Equal(("requeued", failedJob), (requeued.Status, requeued.JobId));
        var unknown = await Assert.ThrowsAsync<PersistenceApiException>(() => Client.RetryTranslationJobAsync(new string('0', 32)));
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    [Fact]
    public async Task Translated_jobs_are_approved_rejected_requeued_and_retranslated_and_the_history_shows_each_step_with_its_actor()
    {
        var prefix = Records.Prefix();
        var businessId = $"client/{prefix}/review";
        await Client.RequestTranslationAsync(new TranslationRequest { BusinessId = businessId, Text = "Review me", SourceLang = "en", TargetLangs = ["fr", "de"] });
        await Client.FlushAllAsync(TimeSpan.FromSeconds(60));
        var translated = await EventuallyAsync(
            () => Client.GetTranslationAsync(businessId), state => state is { Translations: [{ Status: "translated" }, { Status: "translated" }] });
        Assert.All(translated!.Translations, j => Assert.Equal(("translated", "debug", null), (j.Status, j.Engine, j.Review)));
        var fr = translated.Translations.Single(j => j.TargetLang == "fr").JobId;
        var de = translated.Translations.Single(j => j.TargetLang == "de").JobId;

        // A key with nothing but review (and read) may judge; its id is what the review and the trail record.
        var reviewerId = $"reviewer-{prefix}";
        var reviewerKey = await new ApiKeyFile(stack).AddAsync(reviewerId, [Scopes.Review, Scopes.Read]);
        using var reviewerHost = ClientHost.Build(stack.GatewayEndpoints[0], reviewerKey);
        var reviewer = reviewerHost.Services.GetRequiredService<PersistenceClient>();

        var approved = await reviewer.ApproveTranslationJobAsync(fr, "checked by a native speaker");
        Assert.Equal((fr, "translated", "approved", reviewerId, "checked by a native speaker"),
            (approved.JobId, approved.Status, approved.Review, approved.ReviewedBy, approved.Note));
        var rejected = await reviewer.RejectTranslationJobAsync(de);
        Assert.Equal(("rejected", reviewerId, null), (rejected.Review, rejected.ReviewedBy, rejected.Note));
        var notRejected = await Assert.ThrowsAsync<PersistenceApiException>(() => reviewer.RequeueTranslationJobAsync(fr));
        Assert.Equal(HttpStatusCode.Conflict, notRejected.StatusCode);
        var badEngine = await Assert.ThrowsAsync<PersistenceApiException>(() => reviewer.RequeueTranslationJobAsync(de, "babelfish"));
        Assert.Contains(badEngine.Errors, e => e.Field == "engine");
        var requeued = await reviewer.RequeueTranslationJobAsync(de, "debug");
        Assert.Equal(("requeued", de), (requeued.Status, requeued.JobId));

        var review = (await Client.GetTranslationAsync(businessId, "fr"))!.Translations[0].Review;
        Assert.Equal(("approved", reviewerId, "checked by a native speaker"), (review!.Status, review.ReviewedBy, review.Note));
        Assert.NotNull(review.ReviewedAt);
        await EventuallyAsync(() => Client.GetTranslationAsync(businessId, "de"), state => state?.Translations.SingleOrDefault()?.Status == "translated");

        // Forced re-translation leaves the approved text alone and says why.
        var again = await Client.RetranslateAsync(businessId);
        Assert.Equal(("accepted", businessId), (again.Status, again.BusinessId));
        Assert.Equal([de], again.Requeued.Select(j => j.JobId));
        Assert.Contains("approved", Assert.Single(again.Skipped, j => j.JobId == fr).Reason, StringComparison.Ordinal);

        // Two entries a page, oldest first, every step once, with who took it.
        var history = await ToListAsync(Client.ListTranslationHistoryAsync(businessId, pageSize: 2));
        Assert.Equal(history.Count, history.Select(e => e.EventId).Distinct().Count());
        var order = history.Select(e => long.Parse(e.EventId, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(order.Order(), order);
        var approval = Assert.Single(history, e => e is { Event: "approved" });
        Assert.Equal((fr, reviewerId, "checked by a native speaker"), (approval.JobId, approval.Actor, approval.Detail));
        var deEvents = history.Where(e => e.JobId == de).Select(e => e.Event).ToList();
        Assert.Equal(["requested", "rejected", "requeued", "retranslate"], deEvents.Where(e => e is "requested" or "rejected" or "requeued" or "retranslate"));
        Assert.Equal(reviewerId, history.Single(e => e is { Event: "requeued" }).Actor);
        Assert.All(await ToListAsync(Client.ListTranslationHistoryAsync(businessId, "fr")), e => Assert.Equal("fr", e.TargetLang));
        var unknown = await Assert.ThrowsAsync<PersistenceApiException>(() => ToListAsync(Client.ListTranslationHistoryAsync($"client/{prefix}/nothing")));
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    [Fact]
    public async Task Failed_jobs_are_listed_by_filter_and_requeued_in_bulk_until_no_more_match()
    {
        var prefix = Records.Prefix();
        var since = DateTimeOffset.UtcNow.AddSeconds(-1);
        // A language no other test fails in, so the bulk re-queue below touches only this test's jobs.
        var accepted = await Client.RequestTranslationsAsync(
        [
            .. Enumerable.Range(0, 3).Select(i => new TranslationRequest
            {
                BusinessId = $"client/{prefix}/failing{i}", Text = $"debug:fail {prefix} {i}", SourceLang = "en", TargetLangs = ["ja"],
            }),
        ]);
        var failing = accepted.Items.Select(a => a.Jobs[0].JobId).ToList();
        await Client.FlushAllAsync(TimeSpan.FromSeconds(60));
        for (var i = 0; i < 3; i++)
        {
            await EventuallyAsync(() => Client.GetTranslationAsync($"client/{prefix}/failing{i}"), state => state?.Translations.SingleOrDefault()?.Status == "failed");
        }

        var filter = new FailedJobFilter { Lang = "ja", Engine = "debug", Since = since };
        var listed = await ToListAsync(Client.ListFailedTranslationJobsAsync(filter, pageSize: 2));
        Assert.Equal(failing.Order(), listed.Select(j => j.JobId).Order());
        Assert.All(listed, j =>
        {
            Assert.Equal(("failed", "ja", "debug", StackFixture.MaxAttempts), (j.Status, j.TargetLang, j.Engine, j.Attempts));
            Assert.Contains("debug engine refuses", j.Error, StringComparison.Ordinal);
        });
        foreach (var other in new[]
        {
            new FailedJobFilter { Lang = "ja", Until = since },
            new FailedJobFilter { Lang = "ja", Since = DateTimeOffset.UtcNow.AddSeconds(1) },
            new FailedJobFilter { Lang = "fr", Since = since },
            new FailedJobFilter { Lang = "ja", Engine = "openai" },
        })
        {
            Assert.DoesNotContain(await ToListAsync(Client.ListFailedTranslationJobsAsync(other, pageSize: 1000)), j => failing.Contains(j.JobId));
        }

        var refused = await Assert.ThrowsAsync<PersistenceApiException>(() => Client.RequeueFailedTranslationJobsAsync(filter, maxJobs: 0, toEngine: "babelfish"));
        Assert.Equal(["max_jobs", "to_engine"], refused.Errors.Select(e => e.Field).Order());

        var requeued = new List<string>();
        BulkRequeued call;
        do
        {
            call = await Client.RequeueFailedTranslationJobsAsync(filter, maxJobs: 2, toEngine: "debug");
            Assert.Equal("requeued", call.Status);
            Assert.Equal(call.Count, call.Jobs.Count);
            Assert.True(call.Count <= 2);
            requeued.AddRange(call.Jobs.Select(j => j.JobId));
        }
        while (call.More);

        Assert.Equal(failing.Order(), requeued.Order());
        Assert.Contains(
            await ToListAsync(Client.ListTranslationHistoryAsync($"client/{prefix}/failing0")),
            e => e is { Event: "requeued", FromStatus: "failed", ToStatus: "pending" } && e.Actor == AppHost.DevelopmentKey.Id);
    }

    [Fact]
    public async Task Dead_letters_are_listed_read_replayed_and_deleted_and_gc_runs_dry_without_touching_other_tests_rows()
    {
        var prefix = Records.Prefix();
        var ids = await DeadLetteredTasks.AddAsync(stack.RedisConnectionString, prefix, 3);

        var listed = new List<DeadLetter>();
        await foreach (var letter in Client.ListDeadLettersAsync(pageSize: 1))
        {
            if (ids.Contains(letter.Id))
            {
                listed.Add(letter);
            }
        }

        Assert.Equal(ids, listed.Select(l => l.Id));
        Assert.All(listed, l => Assert.StartsWith(prefix, l.Record!.Value.GetProperty("task_id").GetString(), StringComparison.Ordinal));
        Assert.Equal(ids[0], (await Client.GetDeadLetterAsync(ids[0]))!.Id);
        Assert.Equal(1, (await Client.ReplayDeadLetterAsync(ids[0])).Replayed);
        Assert.True(await Client.DeleteDeadLetterAsync(ids[1]));
        Assert.False(await Client.DeleteDeadLetterAsync(ids[1]));
        Assert.Null(await Client.GetDeadLetterAsync(ids[1]));
        Assert.True(await Client.DeleteDeadLetterAsync(ids[2]));

        await Client.FlushAllAsync(TimeSpan.FromSeconds(60));
        Assert.NotNull(await Client.GetTaskAsync($"{prefix}-t0"));
        Assert.Null(await Client.GetTaskAsync($"{prefix}-t1"));

        var gc = await Client.CollectGarbageAsync(dryRun: true);
        Assert.True(gc.DryRun);
        Assert.True(gc.Cutoff < DateTimeOffset.UtcNow);
    }

    private static async Task<T> EventuallyAsync<T>(Func<Task<T>> read, Func<T, bool> done)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var value = await read();
            if (done(value) || DateTime.UtcNow > deadline)
            {
                return value;
            }

            await Task.Delay(200);
        }
    }

    private static async Task<List<T>> ToListAsync<T>(IAsyncEnumerable<T> items)
    {
        var list = new List<T>();
        await foreach (var item in items)
        {
            list.Add(item);
        }

        return list;
    }
}
