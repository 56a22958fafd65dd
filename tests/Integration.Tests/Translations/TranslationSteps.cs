using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Persistence.Contracts;

namespace Integration.Tests.Translations;

/// <summary>What the lifecycle tests do through the gateway: register, wait for a state, read the audit trail.</summary>
public sealed class TranslationSteps(StackFixture stack, HttpClient? client = null)
{
    private HttpClient Client => client ?? stack.Gateway;

    /// <summary>Registers one text and returns the job id per target language.</summary>
    public async Task<Dictionary<string, string>> RequestAsync(string businessId, string text, params string[] targets)
    {
        using var response = await Client.PostAsJsonAsync(ApiRoutes.Translation.Jobs, new { business_id = businessId, text, source_lang = "en", target_langs = targets });
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return body.GetProperty("jobs").EnumerateArray()
            .ToDictionary(j => j.GetProperty("target_lang").GetString()!, j => j.GetProperty("job_id").GetString()!);
    }

    /// <summary>Polls the state route until the newest job in <paramref name="lang"/> satisfies <paramref name="done"/>.</summary>
    public async Task<JsonElement> WaitForAsync(string businessId, string lang, Func<JsonElement, bool> done, string what, int seconds = 60)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        var last = "";
        while (true)
        {
            using var response = await Client.GetAsync($"{ApiRoutes.Translation.JobsByBusinessId}/{businessId}?target_lang={lang}");
            if (response.StatusCode == HttpStatusCode.OK)
            {
                var job = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("translations")[0];
                last = job.GetRawText();
                if (done(job))
                {
                    return job.Clone();
                }
            }

            Assert.True(DateTime.UtcNow < deadline, $"Timed out waiting for {businessId} ({lang}) to be {what}; last: {last}\n{stack.LogTail()}");
            await Task.Delay(150);
        }
    }

    public Task<JsonElement> WaitForStatusAsync(string businessId, string lang, string status, int seconds = 60) =>
        WaitForAsync(businessId, lang, j => j.GetProperty("status").GetString() == status, status, seconds);

    /// <summary>Every entry of the business id's audit trail, walking its pages of <paramref name="pageSize"/>.</summary>
    public async Task<List<JsonElement>> HistoryAsync(string businessId, int pageSize = 100, string? lang = null)
    {
        var entries = new List<JsonElement>();
        string? cursor = null;
        do
        {
            var query = $"page_size={pageSize}" + (lang is null ? "" : $"&target_lang={lang}") + (cursor is null ? "" : $"&cursor={cursor}");
            using var response = await Client.GetAsync($"{ApiRoutes.Translation.History}/{businessId}?{query}");
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
            var page = await response.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal(businessId, page.GetProperty("business_id").GetString());
            var items = page.GetProperty("items").EnumerateArray().Select(e => e.Clone()).ToList();
            Assert.True(items.Count <= pageSize);
            entries.AddRange(items);
            cursor = page.GetProperty("next_cursor").GetString();
        }
        while (cursor is not null);

        return entries;
    }

    /// <summary>
    /// The trail as "event:from>to" strings, for one job. A claim handed back unattempted (the job's content was
    /// still on its way in its own stream) is left out with its release: when that happens is up to the flushers.
    /// </summary>
    public static List<string> Transitions(IEnumerable<JsonElement> entries, string jobId)
    {
        var all = entries.Where(e => e.GetProperty("job_id").GetString() == jobId)
            .Select(e => $"{e.GetProperty("event").GetString()}:{e.GetProperty("from_status").GetString()}>{e.GetProperty("to_status").GetString()}")
            .ToList();
        for (var i = all.Count - 1; i > 0; i--)
        {
            if (all[i] == "released:translating>pending" && all[i - 1] == "claimed:pending>translating")
            {
                all.RemoveRange(i - 1, 2);
                i--;
            }
        }

        return all;
    }

    public async Task<HttpResponseMessage> PostAsync(string path, object? body = null) =>
        body is null ? await Client.PostAsync(path, null) : await Client.PostAsJsonAsync(path, body);
}
