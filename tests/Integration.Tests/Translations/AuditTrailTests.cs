using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Persistence.Contracts;

namespace Integration.Tests.Translations;

/// <summary>The audit trail through the gateway: paging, retries and failures as they happen, refusals, and its collection.</summary>
public abstract class AuditTrailTests(StackFixture stack)
{
    private readonly TranslationSteps _steps = new(stack);

    [Fact]
    public async Task Every_attempt_of_a_failing_job_is_in_the_trail_with_its_error_and_the_history_pages_by_cursor()
    {
        var business = $"docs/{Records.Prefix()}/failing/title";
        var job = (await _steps.RequestAsync(business, "debug:fail every time", "de"))["de"];
        await _steps.WaitForStatusAsync(business, "de", "failed");

        var attempts = Enumerable.Range(1, StackFixture.MaxAttempts).ToList();
        List<string> expected =
        [
            "requested:>pending",
            .. attempts.SelectMany(a => a < StackFixture.MaxAttempts
                ? new[] { "claimed:pending>translating", "retried:translating>pending" }
                : ["claimed:pending>translating", "failed:translating>failed"]),
        ];
        // One entry a page: every entry once, in order, and the last page says so.
        var trail = await _steps.HistoryAsync(business, pageSize: 1);
        Assert.Equal(expected, TranslationSteps.Transitions(trail, job));
        Assert.Contains("debug engine refuses", trail[^1].GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(trail.Select(e => e.GetProperty("event_id").GetString()).Distinct().Count(), trail.Count);
        Assert.All(trail, e => Assert.Equal("de", e.GetProperty("target_lang").GetString()));
        // A refused retry of a job that is not failed adds nothing.
        var translated = (await _steps.RequestAsync($"{business}.ok", "Fine", "de"))["de"];
        await _steps.WaitForStatusAsync($"{business}.ok", "de", "translated");
        using (var refused = await _steps.PostAsync($"{ApiRoutes.Translation.Jobs}/{translated}/retry"))
        {
            Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        }

        Assert.Equal(3, (await _steps.HistoryAsync($"{business}.ok")).Count);

        using (var retried = await _steps.PostAsync($"{ApiRoutes.Translation.Jobs}/{job}/retry"))
        {
            Assert.Equal(HttpStatusCode.Accepted, retried.StatusCode);
        }

        var afterRetry = await _steps.HistoryAsync(business);
        Assert.Equal("requeued:failed>pending", TranslationSteps.Transitions(afterRetry, job)[expected.Count]);
        Assert.Equal(AppHost.DevelopmentKey.Id, afterRetry[expected.Count].GetProperty("actor").GetString());
    }

    [Fact]
    public async Task History_refuses_bad_paging_and_unknown_parameters_and_answers_404_for_an_unknown_business_id()
    {
        var business = $"{Records.Prefix()}.paging";
        await _steps.RequestAsync(business, "Page me", "fr");
        await _steps.WaitForStatusAsync(business, "fr", "translated");

        foreach (var (query, field) in new[]
        {
            ("page_size=0", "page_size"), ("page_size=100000", "page_size"), ("cursor=bm9wZQ", "cursor"), ("target_lang=not%20a%20tag", "target_lang"), ("limit=5", "limit"),
        })
        {
            using var response = await stack.Gateway.GetAsync($"{ApiRoutes.Translation.History}/{business}?{query}");
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal(field, problem.GetProperty("errors")[0].GetProperty("field").GetString());
        }

        // A cursor of another route is not one of this route's.
        using (var failedPage = await stack.Gateway.GetAsync(ApiRoutes.Translation.FailedJobs + "?page_size=1"))
        {
            var cursor = (await failedPage.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("next_cursor").GetString();
            if (cursor is not null)
            {
                using var foreign = await stack.Gateway.GetAsync($"{ApiRoutes.Translation.History}/{business}?cursor={cursor}");
                Assert.Equal(HttpStatusCode.BadRequest, foreign.StatusCode);
            }
        }

        using var unknown = await stack.Gateway.GetAsync($"{ApiRoutes.Translation.History}/{business}.nothing");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        using var anonymous = stack.CreateClient(apiKey: null);
        using var unauthenticated = await anonymous.GetAsync($"{ApiRoutes.Translation.History}/{business}");
        Assert.Equal(HttpStatusCode.Unauthorized, unauthenticated.StatusCode);
    }

    [Fact]
    public async Task Garbage_collection_removes_audit_entries_past_retention_and_keeps_recent_ones()
    {
        var business = $"{Records.Prefix()}.gc";
        var job = (await _steps.RequestAsync(business, "Collect my past", "fr"))["fr"];
        await _steps.WaitForStatusAsync(business, "fr", "translated");
        await using (var db = stack.OpenStorage())
        {
            await StorageSql.ExecuteAsync(
                db,
                """
                INSERT INTO translation_job_events (job_id, business_id, target_lang, event, actor, old_status, new_status, created_at)
                VALUES (@job, @business, 'fr', 'requested', 'long ago', NULL, 'pending', @at)
                """,
                ("@job", job), ("@business", business), ("@at", DateTime.UtcNow.AddDays(-400)));
        }

        Assert.Equal(4, (await _steps.HistoryAsync(business)).Count);
        var (exitCode, output) = await stack.RunWorkerCommandAsync("gc");
        Assert.True(exitCode == 0, output);
        Assert.Contains("translation audit rows", output, StringComparison.Ordinal);

        var trail = await _steps.HistoryAsync(business);
        Assert.Equal(["requested:>pending", "claimed:pending>translating", "translated:translating>translated"], TranslationSteps.Transitions(trail, job));
        Assert.DoesNotContain(trail, e => e.GetProperty("actor").GetString() == "long ago");
    }
}

[Collection(StackDefinition.Name)]
public sealed class AuditTrailTestsOnMySql(StackFixture stack) : AuditTrailTests(stack);

[Collection(PostgresStackDefinition.Name)]
public sealed class AuditTrailTestsOnPostgres(PostgresStackFixture stack) : AuditTrailTests(stack);
