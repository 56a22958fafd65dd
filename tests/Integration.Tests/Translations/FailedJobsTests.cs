using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Gateway.ApiKeys;
using Persistence.Contracts;

namespace Integration.Tests.Translations;

/// <summary>The failed-jobs view and its bulk re-queue, through the gateway.</summary>
[Collection(StackDefinition.Name)]
public sealed class FailedJobsTests(StackFixture stack)
{
    private readonly TranslationSteps _steps = new(stack);

    [Fact]
    public async Task Failed_jobs_are_listed_with_errors_and_attempts_filtered_by_language_engine_and_time_and_requeued_in_bulk()
    {
        var prefix = Records.Prefix();
        var since = DateTimeOffset.UtcNow.AddSeconds(-1).ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", System.Globalization.CultureInfo.InvariantCulture);
        var german = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            german.Add((await _steps.RequestAsync($"{prefix}.de{i}", $"debug:fail {prefix} {i}", "de"))["de"]);
        }

        var french = (await _steps.RequestAsync($"{prefix}.fr", $"debug:fail {prefix} fr", "fr"))["fr"];
        for (var i = 0; i < 3; i++)
        {
            await _steps.WaitForStatusAsync($"{prefix}.de{i}", "de", "failed");
        }

        await _steps.WaitForStatusAsync($"{prefix}.fr", "fr", "failed");

        // Two a page, newest failure first, German only: ours, each once, with what went wrong.
        var seen = new List<JsonElement>();
        string? cursor = null;
        do
        {
            var page = await stack.Gateway.GetFromJsonAsync<JsonElement>(
                $"{ApiRoutes.Translation.FailedJobs}?target_lang=de&engine=debug&since={since}&page_size=2" + (cursor is null ? "" : $"&cursor={cursor}"));
            var items = page.GetProperty("items").EnumerateArray().Select(e => e.Clone()).ToList();
            Assert.True(items.Count <= 2);
            seen.AddRange(items);
            cursor = page.GetProperty("next_cursor").GetString();
        }
        while (cursor is not null);

        var ours = seen.Where(j => german.Contains(j.GetProperty("job_id").GetString()!)).ToList();
        Assert.Equal(3, ours.Count);
        Assert.DoesNotContain(seen, j => j.GetProperty("job_id").GetString() == french);
        Assert.All(seen, j =>
        {
            Assert.Equal("failed", j.GetProperty("status").GetString());
            Assert.Equal("de", j.GetProperty("target_lang").GetString());
            Assert.Equal("debug", j.GetProperty("engine").GetString());
        });
        Assert.All(ours, j =>
        {
            Assert.Equal(StackFixture.MaxAttempts, j.GetProperty("attempts").GetInt32());
            Assert.Contains("debug engine refuses", j.GetProperty("error").GetString(), StringComparison.Ordinal);
        });
        var times = seen.Select(j => j.GetProperty("updated_at").GetDateTimeOffset()).ToList();
        Assert.Equal(times.OrderDescending(), times);
        var future = await stack.Gateway.GetFromJsonAsync<JsonElement>($"{ApiRoutes.Translation.FailedJobs}?target_lang=de&until={since}&page_size=1000");
        Assert.DoesNotContain(future.GetProperty("items").EnumerateArray(), j => german.Contains(j.GetProperty("job_id").GetString()!));

        // Re-queueing in bulk is an admin's act; the view needs only read.
        var readOnly = await new ApiKeyFile(stack).AddAsync($"reader-{prefix}", [Scopes.Read]);
        using (var reader = stack.CreateClient(readOnly))
        {
            using var view = await reader.GetAsync(ApiRoutes.Translation.FailedJobs + "?target_lang=de&page_size=1");
            Assert.Equal(HttpStatusCode.OK, view.StatusCode);
            using var forbidden = await reader.PostAsync(ApiRoutes.Translation.FailedJobsRequeue + "?target_lang=de", null);
            Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        }

        using (var invalid = await _steps.PostAsync(ApiRoutes.Translation.FailedJobsRequeue + "?target_lang=de&to_engine=babelfish&max_jobs=0"))
        {
            Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
            var fields = (await invalid.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").EnumerateArray()
                .Select(e => e.GetProperty("field").GetString()).ToHashSet();
            Assert.Equal(["to_engine", "max_jobs"], fields);
        }

        // A parameter the route does not take is refused before anything else is looked at, as on every route.
        using (var unknown = await _steps.PostAsync(ApiRoutes.Translation.FailedJobsRequeue + "?target_lang=de&status=failed"))
        {
            Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
            Assert.Contains("status", await unknown.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        // Two at a time until none is left: the answer says when more may match.
        var requeued = new List<string>();
        while (true)
        {
            using var response = await _steps.PostAsync($"{ApiRoutes.Translation.FailedJobsRequeue}?target_lang=de&engine=debug&since={since}&max_jobs=2");
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            var body = await response.Content.ReadFromJsonAsync<JsonElement>();
            requeued.AddRange(body.GetProperty("jobs").EnumerateArray().Select(j => j.GetProperty("job_id").GetString()!));
            Assert.True(body.GetProperty("count").GetInt32() <= 2);
            if (!body.GetProperty("more").GetBoolean())
            {
                break;
            }
        }

        Assert.Subset(requeued.ToHashSet(), german.ToHashSet());
        Assert.DoesNotContain(french, requeued);
        foreach (var (job, i) in german.Select((j, i) => (j, i)))
        {
            Assert.Contains("requeued:failed>pending", TranslationSteps.Transitions(await _steps.HistoryAsync($"{prefix}.de{i}"), job));
        }

        Assert.DoesNotContain("requeued:failed>pending", TranslationSteps.Transitions(await _steps.HistoryAsync($"{prefix}.fr"), french));
    }
}
