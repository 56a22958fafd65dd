using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AppHost;
using Gateway.ApiKeys;
using Persistence.Contracts;

namespace Integration.Tests.Translations;

/// <summary>Review through the gateway: approve, reject, re-queue, and what reuse and forced re-translation make of them.</summary>
public abstract class ReviewTests(StackFixture stack)
{
    private readonly TranslationSteps _steps = new(stack);

    [Fact]
    public async Task A_review_key_approves_a_translated_job_and_reads_show_the_review_engine_and_version()
    {
        var prefix = Records.Prefix();
        var business = $"docs/{prefix}/approve.title";
        var jobs = await _steps.RequestAsync(business, $"Approve me {prefix}", "fr");
        var translated = await _steps.WaitForStatusAsync(business, "fr", "translated");
        Assert.Equal("debug", translated.GetProperty("engine").GetString());
        Assert.Equal("1", translated.GetProperty("engine_version").GetString());
        Assert.Equal(JsonValueKind.Null, translated.GetProperty("review").ValueKind);

        // Reviewing needs the review scope: ingest, read and even admin are not enough.
        var adminOnly = await new ApiKeyFile(stack).AddAsync($"admin-{prefix}", [Scopes.Admin, Scopes.Read]);
        using (var admin = stack.CreateClient(adminOnly))
        using (var forbidden = await admin.PostAsync($"{ApiRoutes.Translation.Jobs}/{jobs["fr"]}/approve", null))
        {
            Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        }

        var reviewerId = $"reviewer-{prefix}";
        var reviewerKey = await new ApiKeyFile(stack).AddAsync(reviewerId, [Scopes.Review, Scopes.Read]);
        using var reviewer = stack.CreateClient(reviewerKey);
        using (var approved = await reviewer.PostAsJsonAsync($"{ApiRoutes.Translation.Jobs}/{jobs["fr"]}/approve", new { note = "checked by a native speaker" }))
        {
            Assert.Equal(HttpStatusCode.OK, approved.StatusCode);
            var body = await approved.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal("approved", body.GetProperty("review").GetString());
            Assert.Equal(reviewerId, body.GetProperty("reviewed_by").GetString());
        }

        var state = await _steps.WaitForAsync(business, "fr", j => j.GetProperty("review").ValueKind == JsonValueKind.Object, "reviewed");
        var review = state.GetProperty("review");
        Assert.Equal("approved", review.GetProperty("status").GetString());
        Assert.Equal(reviewerId, review.GetProperty("reviewed_by").GetString());
        Assert.Equal("checked by a native speaker", review.GetProperty("note").GetString());
        Assert.True(review.GetProperty("reviewed_at").GetDateTimeOffset() > DateTimeOffset.UtcNow.AddMinutes(-5));

        // A decision on something that is not a translated job is refused with problem+json, and leaves no trace.
        var pending = (await _steps.RequestAsync($"{prefix}.failing", "debug:fail never translated", "fr"))["fr"];
        await _steps.WaitForStatusAsync($"{prefix}.failing", "fr", "failed");
        using (var conflict = await reviewer.PostAsync($"{ApiRoutes.Translation.Jobs}/{pending}/approve", null))
        using (var missing = await reviewer.PostAsync($"{ApiRoutes.Translation.Jobs}/{new string('0', 32)}/reject", null))
        using (var malformed = await reviewer.PostAsync($"{ApiRoutes.Translation.Jobs}/not-a-job/reject", null))
        using (var badNote = await reviewer.PostAsJsonAsync($"{ApiRoutes.Translation.Jobs}/{jobs["fr"]}/reject", new { note = 42 }))
        {
            Assert.Equal(HttpStatusCode.Conflict, conflict.StatusCode);
            Assert.Equal("application/problem+json", conflict.Content.Headers.ContentType?.MediaType);
            Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, malformed.StatusCode);
            Assert.Equal(HttpStatusCode.BadRequest, badNote.StatusCode);
            var problem = await badNote.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal("note", problem.GetProperty("errors")[0].GetProperty("field").GetString());
        }

        var trail = await _steps.HistoryAsync(business);
        Assert.Equal(["requested:>pending", "claimed:pending>translating", "translated:translating>translated", "approved:translated>translated"],
            TranslationSteps.Transitions(trail, jobs["fr"]));
        Assert.Equal(reviewerId, trail[^1].GetProperty("actor").GetString());
        Assert.Equal(DevelopmentKey.Id, trail[0].GetProperty("actor").GetString());
        Assert.StartsWith(Persistence.Contracts.StackResources.Worker, trail[1].GetProperty("actor").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain(TranslationSteps.Transitions(await _steps.HistoryAsync($"{prefix}.failing"), pending), t => t.StartsWith("approved", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_rejected_job_is_requeued_and_translated_afresh_instead_of_from_memory()
    {
        var prefix = Records.Prefix();
        var business = $"{prefix}.reject";
        var text = $"Reject me {prefix}";
        var job = (await _steps.RequestAsync(business, text, "de"))["de"];
        await _steps.WaitForStatusAsync(business, "de", "translated");

        using (var rejected = await _steps.PostAsync($"{ApiRoutes.Translation.Jobs}/{job}/reject", new { note = "wrong register" }))
        {
            Assert.Equal(HttpStatusCode.OK, rejected.StatusCode);
        }

        var state = await _steps.WaitForAsync(business, "de", j => j.GetProperty("review").ValueKind == JsonValueKind.Object, "rejected");
        Assert.Equal("rejected", state.GetProperty("review").GetProperty("status").GetString());

        // Only a rejected (or failed) job goes back: re-queueing must not be a way round the engine's answer.
        var other = (await _steps.RequestAsync($"{prefix}.other", $"Untouched {prefix}", "de"))["de"];
        await _steps.WaitForStatusAsync($"{prefix}.other", "de", "translated");
        using (var refused = await _steps.PostAsync($"{ApiRoutes.Translation.Jobs}/{other}/requeue", null))
        using (var badEngine = await _steps.PostAsync($"{ApiRoutes.Translation.Jobs}/{job}/requeue", new { engine = "babelfish" }))
        // A known engine no worker of this stack can run (none has an OpenAI key): refused, not served by another.
        using (var unrunnable = await _steps.PostAsync($"{ApiRoutes.Translation.Jobs}/{job}/requeue", new { engine = "openai" }))
        using (var unrunnableBulk = await _steps.PostAsync(ApiRoutes.Translation.FailedJobsRequeue + "?to_engine=openai", null))
        {
            Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
            Assert.Equal(HttpStatusCode.BadRequest, badEngine.StatusCode);
            Assert.Equal(HttpStatusCode.Conflict, unrunnable.StatusCode);
            Assert.Contains("No running worker can run the 'openai' engine", await unrunnable.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            Assert.Equal(HttpStatusCode.Conflict, unrunnableBulk.StatusCode);
        }

        var rejectedAt = state.GetProperty("updated_at").GetDateTimeOffset();
        using (var requeued = await _steps.PostAsync($"{ApiRoutes.Translation.Jobs}/{job}/requeue", new { engine = "debug" }))
        {
            Assert.Equal(HttpStatusCode.Accepted, requeued.StatusCode);
        }

        var again = await _steps.WaitForAsync(
            business, "de", j => j.GetProperty("status").GetString() == "translated" && j.GetProperty("updated_at").GetDateTimeOffset() > rejectedAt, "translated again");
        Assert.False(again.GetProperty("reused").GetBoolean());
        Assert.Equal(1, again.GetProperty("attempts").GetInt32());
        Assert.Equal(JsonValueKind.Null, again.GetProperty("review").ValueKind);

        Assert.Equal(
            [
                "requested:>pending", "claimed:pending>translating", "translated:translating>translated", "rejected:translated>translated",
                "requeued:translated>pending", "claimed:pending>translating", "translated:translating>translated",
            ],
            TranslationSteps.Transitions(await _steps.HistoryAsync(business, pageSize: 2), job));
    }

    [Fact]
    public async Task Reuse_prefers_an_approved_translation_even_one_another_engine_made()
    {
        var prefix = Records.Prefix();
        var text = $"Approved wording {prefix}";
        var first = (await _steps.RequestAsync($"{prefix}.first", text, "ja"))["ja"];
        await _steps.WaitForStatusAsync($"{prefix}.first", "ja", "translated");

        // As if a person had corrected what another engine answered; approving it makes it the preferred wording.
        await using (var db = stack.OpenStorage())
        {
            Assert.Equal(1, await StorageSql.ExecuteAsync(
                db,
                "UPDATE translation_jobs SET result = 'human wording', engine = 'openai', engine_version = 'gpt-x', producer = 'openai:gpt-x' WHERE job_id = @job",
                ("@job", first)));
        }

        using (var approved = await _steps.PostAsync($"{ApiRoutes.Translation.Jobs}/{first}/approve", null))
        {
            Assert.Equal(HttpStatusCode.OK, approved.StatusCode);
        }

        await _steps.RequestAsync($"{prefix}.second", text, "ja");
        var second = await _steps.WaitForStatusAsync($"{prefix}.second", "ja", "translated");
        Assert.True(second.GetProperty("reused").GetBoolean());
        Assert.Equal("human wording", second.GetProperty("result").GetString());
        Assert.Equal("openai", second.GetProperty("engine").GetString());
        Assert.Equal("gpt-x", second.GetProperty("engine_version").GetString());
    }

    [Fact]
    public async Task Forced_retranslation_bypasses_memory_per_language_and_never_replaces_an_approved_translation()
    {
        var prefix = Records.Prefix();
        var text = $"Force me {prefix}";
        await _steps.RequestAsync($"{prefix}.original", text, "fr", "de");
        await _steps.WaitForStatusAsync($"{prefix}.original", "fr", "translated");
        await _steps.WaitForStatusAsync($"{prefix}.original", "de", "translated");
        var business = $"{prefix}.copy";
        var jobs = await _steps.RequestAsync(business, text, "fr", "de");
        var fromMemory = await _steps.WaitForStatusAsync(business, "fr", "translated");
        Assert.True(fromMemory.GetProperty("reused").GetBoolean());
        await _steps.WaitForStatusAsync(business, "de", "translated");

        using (var forced = await _steps.PostAsync(ApiRoutes.Translation.JobsRetranslate, new { business_id = business, target_langs = new[] { "fr" } }))
        {
            Assert.Equal(HttpStatusCode.Accepted, forced.StatusCode);
            var body = await forced.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal(jobs["fr"], Assert.Single(body.GetProperty("requeued").EnumerateArray()).GetProperty("job_id").GetString());
        }

        var fresh = await _steps.WaitForAsync(
            business, "fr", j => j.GetProperty("status").GetString() == "translated" && !j.GetProperty("reused").GetBoolean(), "translated by the engine");
        Assert.Equal("[fr] " + new string([.. text.Reverse()]), fresh.GetProperty("result").GetString());
        // German was not asked for: still the answer from memory.
        Assert.True((await _steps.WaitForStatusAsync(business, "de", "translated")).GetProperty("reused").GetBoolean());
        Assert.Contains("retranslate:translated>pending", TranslationSteps.Transitions(await _steps.HistoryAsync(business, lang: "fr"), jobs["fr"]));

        using (var approve = await _steps.PostAsync($"{ApiRoutes.Translation.Jobs}/{jobs["de"]}/approve", null))
        {
            Assert.Equal(HttpStatusCode.OK, approve.StatusCode);
        }

        using (var skipped = await _steps.PostAsync(ApiRoutes.Translation.JobsRetranslate, new { business_id = business, target_langs = new[] { "de" } }))
        {
            Assert.Equal(HttpStatusCode.Accepted, skipped.StatusCode);
            var body = await skipped.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal(0, body.GetProperty("requeued").GetArrayLength());
            var skip = Assert.Single(body.GetProperty("skipped").EnumerateArray());
            Assert.Contains("approved", skip.GetProperty("reason").GetString(), StringComparison.Ordinal);
        }

        using (var unknown = await _steps.PostAsync(ApiRoutes.Translation.JobsRetranslate, new { business_id = $"{prefix}.nothing" }))
        using (var invalid = await _steps.PostAsync(ApiRoutes.Translation.JobsRetranslate, new { target_langs = new[] { "not a tag" } }))
        {
            Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
            Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
            var fields = (await invalid.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").EnumerateArray()
                .Select(e => e.GetProperty("field").GetString()).ToList();
            Assert.Equal(["business_id", "target_langs"], fields);
        }
    }
}

[Collection(StackDefinition.Name)]
public sealed class ReviewTestsOnMySql(StackFixture stack) : ReviewTests(stack);

[Collection(PostgresStackDefinition.Name)]
public sealed class ReviewTestsOnPostgres(PostgresStackFixture stack) : ReviewTests(stack);
