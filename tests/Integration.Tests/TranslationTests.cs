using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Gateway.ApiKeys;
using Integration.Tests.Translations;
using MySqlConnector;
using Persistence.Contracts;
using Xunit.Abstractions;

namespace Integration.Tests;

/// <summary>
/// Translation requests through the gateway, processed by the two workers with the debug engine
/// (<c>[fr] olleH</c> for "Hello"; a text starting with <c>debug:fail</c> always fails).
/// </summary>
[Collection(StackDefinition.Name)]
public sealed class TranslationTests(StackFixture stack, ITestOutputHelper output)
{
    private static readonly string[] AllLanguages = [.. TranslationLanguages.Default];

    [Fact]
    public async Task A_request_registers_one_job_per_language_with_stable_ids_and_a_replay_registers_nothing()
    {
        // With slashes, as documentation paths have them: the state endpoint takes the rest of the path.
        var business = $"docs/{Records.Prefix()}/welcome.title";
        var first = await RequestAsync(business, "Hello", AllLanguages, new { screen = "home", max = 20 });
        // Same context with its members in another order: the same content, so the same jobs.
        var replay = await RequestAsync(business, "Hello", AllLanguages, new { max = 20, screen = "home" });
        Assert.Equal(first, replay);
        Assert.Equal(4, first.Count);
        Assert.All(first.Values, id => Assert.Matches("^[0-9a-f]{32}$", id));

        var state = await WaitForStatusAsync(business, AllLanguages, "translated");
        foreach (var lang in AllLanguages)
        {
            var job = state[lang];
            Assert.Equal(first[lang], job.GetProperty("job_id").GetString());
            Assert.Equal($"[{lang}] olleH", job.GetProperty("result").GetString());
            Assert.Equal(1, job.GetProperty("attempts").GetInt32());
        }

        // Registered again after it was translated: still one job per language, still translated.
        Assert.Equal(first, await RequestAsync(business, "Hello", AllLanguages, new { screen = "home", max = 20 }));
        await stack.FlushAsync();
        await using var db = stack.OpenDatabase();
        Assert.Equal(4L, await ScalarAsync<long>(db, "SELECT COUNT(*) FROM translation_jobs WHERE business_id = @p", business));
        Assert.Equal(4L, await ScalarAsync<long>(db, "SELECT COUNT(*) FROM translation_jobs WHERE business_id = @p AND status = 'translated' AND attempts = 1", business));

        // A different text for the same business id is new content: new jobs, and the state shows the newest.
        var changed = await RequestAsync(business, "Hello again", ["fr"], null);
        Assert.NotEqual(first["fr"], changed["fr"]);
        var newest = await WaitForStatusAsync(business, ["fr"], "translated", changed);
        Assert.Equal("[fr] niaga olleH", newest["fr"].GetProperty("result").GetString());
    }

    [Fact]
    public async Task State_queries_filter_by_language_page_by_cursor_and_answer_404_for_unknown_ids()
    {
        var prefix = Records.Prefix();
        using (var batch = await stack.Gateway.PostAsJsonAsync(ApiRoutes.DeprecatedTranslations.Batch, new
        {
            items = Enumerable.Range(0, 5).Select(i => new { business_id = $"{prefix}.item{i}", text = $"Item {prefix} {i}", source_lang = "en", target_langs = new[] { "de" } }),
        }))
        {
            Assert.Equal(HttpStatusCode.Accepted, batch.StatusCode);
            var body = await batch.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal(5, body.GetProperty("count").GetInt32());
            Assert.Equal(5, body.GetProperty("items").GetArrayLength());
        }

        for (var i = 0; i < 5; i++)
        {
            await WaitForStatusAsync($"{prefix}.item{i}", ["de"], "translated");
        }

        using (var one = await stack.Gateway.GetAsync($"{ApiRoutes.DeprecatedTranslations.Prefix}/{prefix}.item3?lang=de"))
        {
            Assert.Equal(HttpStatusCode.OK, one.StatusCode);
            var body = await one.Content.ReadFromJsonAsync<JsonElement>();
            var translation = Assert.Single(body.GetProperty("translations").EnumerateArray());
            Assert.Equal($"[de] 3 {Reverse(prefix)} metI", translation.GetProperty("result").GetString());
            Assert.False(translation.GetProperty("reused").GetBoolean());
        }

        using (var wrongLang = await stack.Gateway.GetAsync($"{ApiRoutes.DeprecatedTranslations.Prefix}/{prefix}.item3?lang=ja"))
        using (var unknown = await stack.Gateway.GetAsync($"{ApiRoutes.DeprecatedTranslations.Prefix}/{prefix}.nothing"))
        {
            Assert.Equal(HttpStatusCode.NotFound, wrongLang.StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
            Assert.Equal("application/problem+json", unknown.Content.Headers.ContentType?.MediaType);
        }

        // Walk every translated German job two at a time; ours must all be seen, each once.
        var seen = new List<string>();
        string? cursor = null;
        do
        {
            var page = await stack.Gateway.GetFromJsonAsync<JsonElement>(
                ApiRoutes.DeprecatedTranslations.Prefix + "?status=translated&lang=de&limit=500" + (cursor is null ? "" : $"&cursor={cursor}"));
            foreach (var item in page.GetProperty("items").EnumerateArray())
            {
                Assert.Equal("translated", item.GetProperty("status").GetString());
                Assert.Equal("de", item.GetProperty("target_lang").GetString());
                seen.Add(item.GetProperty("business_id").GetString()!);
            }

            cursor = page.GetProperty("next_cursor").GetString();
        }
        while (cursor is not null);

        Assert.Equal(5, seen.Count(b => b.StartsWith(prefix, StringComparison.Ordinal)));
        Assert.Equal(seen.Count, seen.Distinct().Count());

        using var badStatus = await stack.Gateway.GetAsync(ApiRoutes.DeprecatedTranslations.Prefix + "?status=done");
        Assert.Equal(HttpStatusCode.BadRequest, badStatus.StatusCode);
    }

    [Fact]
    public async Task Invalid_requests_get_400_with_every_problem_and_register_nothing()
    {
        var prefix = Records.Prefix();
        using var response = await stack.Gateway.PostAsJsonAsync(ApiRoutes.DeprecatedTranslations.Batch, new
        {
            items = new object[]
            {
                new { business_id = $"{prefix}.ok", text = "Fine", source_lang = "en", target_langs = new[] { "fr" } },
                new { business_id = "", text = "", source_lang = "english!", target_langs = new[] { "xx" } },
            },
        });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        var fields = problem.GetProperty("errors").EnumerateArray()
            .Select(e => (e.GetProperty("index").GetInt32(), e.GetProperty("field").GetString())).ToList();
        Assert.Contains((1, "business_id"), fields);
        Assert.Contains((1, "text"), fields);
        Assert.Contains((1, "source_lang"), fields);
        Assert.Contains((1, "target_langs[0]"), fields);

        await stack.FlushAsync();
        await using var db = stack.OpenDatabase();
        Assert.Equal(0L, await ScalarAsync<long>(db, "SELECT COUNT(*) FROM translation_jobs WHERE business_id = @p", $"{prefix}.ok"));
    }

    [Fact]
    public async Task Content_translated_before_is_answered_from_memory_without_an_engine_call()
    {
        var prefix = Records.Prefix();
        var text = $"Save changes {prefix}";
        await RequestAsync($"{prefix}.first", text, ["ja"], null);
        var original = await WaitForStatusAsync($"{prefix}.first", ["ja"], "translated");
        Assert.False(original["ja"].GetProperty("reused").GetBoolean());

        await RequestAsync($"{prefix}.second", text, ["ja"], null);
        var reused = await WaitForStatusAsync($"{prefix}.second", ["ja"], "translated");
        Assert.True(reused["ja"].GetProperty("reused").GetBoolean());
        Assert.Equal(original["ja"].GetProperty("result").GetString(), reused["ja"].GetProperty("result").GetString());

        await using var db = stack.OpenDatabase();
        Assert.Equal(1L, await ScalarAsync<long>(
            db, "SELECT COUNT(*) FROM translation_memory m JOIN translation_jobs j ON j.content_hash = m.content_hash AND j.target_lang = m.target_lang WHERE j.business_id = @p", $"{prefix}.second"));
    }

    [Fact]
    public async Task A_job_leased_by_a_worker_that_died_is_taken_over_after_the_lease()
    {
        var prefix = Records.Prefix();
        var jobId = Guid.NewGuid().ToString("N");
        await using var db = stack.OpenDatabase();
        // What a worker leaves behind when it dies between claiming and storing: translating, leased for a while.
        await LeasedJob.InsertAsync(db, jobId, $"{prefix}.orphan", "Orphan", "dead-worker/1", leaseSeconds: 4);

        Assert.Equal("dead-worker/1", await ScalarAsync<string>(db, "SELECT lease_owner FROM translation_jobs WHERE job_id = @p", jobId));

        var state = await WaitForStatusAsync($"{prefix}.orphan", ["fr"], "translated");
        Assert.Equal("[fr] nahprO", state["fr"].GetProperty("result").GetString());
        Assert.Equal(2, state["fr"].GetProperty("attempts").GetInt32());
        Assert.Equal(0L, await ScalarAsync<long>(db, "SELECT COUNT(*) FROM translation_jobs WHERE job_id = @p AND lease_owner IS NOT NULL", jobId));
    }

    [Fact]
    public async Task Engine_failures_are_retried_with_backoff_then_fail_visibly_and_an_admin_can_requeue()
    {
        var business = $"{Records.Prefix()}.broken";
        var jobs = await RequestAsync(business, "debug:fail on purpose", ["de"], null);

        var failed = await WaitForStatusAsync(business, ["de"], "failed");
        var job = failed["de"];
        Assert.Equal(StackFixture.MaxAttempts, job.GetProperty("attempts").GetInt32());
        Assert.Contains("debug engine refuses", job.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal(JsonValueKind.Null, job.GetProperty("result").ValueKind);

        using (var retry = await stack.Gateway.PostAsync($"{ApiRoutes.DeprecatedTranslations.Prefix}/{jobs["de"]}/retry", null))
        {
            Assert.Equal(HttpStatusCode.Accepted, retry.StatusCode);
        }

        // It runs its attempts again, and fails again: the engine has not changed its mind.
        var firstFailure = job.GetProperty("updated_at").GetDateTimeOffset();
        await WaitForAsync(async () =>
        {
            var again = await WaitForStatusAsync(business, ["de"], "failed");
            return again["de"].GetProperty("updated_at").GetDateTimeOffset() > firstFailure
                && again["de"].GetProperty("attempts").GetInt32() == StackFixture.MaxAttempts;
        }, "the re-queued job to fail again");

        using (var notFailed = await stack.Gateway.PostAsync($"{ApiRoutes.DeprecatedTranslations.Prefix}/{jobs["de"]}0/retry", null))
        {
            Assert.Equal(HttpStatusCode.NotFound, notFailed.StatusCode);
        }

        // Re-queueing is an admin's act: a key with ingest and read cannot.
        var key = await new ApiKeyFile(stack).AddAsync($"no-admin-{Records.Prefix()}", [Scopes.Ingest, Scopes.Read]);
        using var client = stack.CreateClient(key);
        using var forbidden = await client.PostAsync($"{ApiRoutes.DeprecatedTranslations.Prefix}/{jobs["de"]}/retry", null);
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
    }

    [Fact]
    public async Task Ten_thousand_concurrent_requests_are_all_accepted_and_every_job_is_processed_exactly_once()
    {
        const int Requests = 10_000;
        string[] languages = ["fr", "ja"];
        var prefix = Records.Prefix();
        var key = await new ApiKeyFile(stack).AddAsync(
            $"load-{prefix}", [Scopes.Ingest, Scopes.Read], requests: (PerSecond: 100_000, Burst: 100_000));
        var clients = Enumerable.Range(0, StackFixture.Gateways)
            .Select(g => stack.CreateClient(key, g, new SocketsHttpHandler { MaxConnectionsPerServer = 64 }))
            .ToList();
        // The last requests queue behind thousands of others for a connection; on a loaded machine that takes a while.
        clients.ForEach(c => c.Timeout = TimeSpan.FromMinutes(10));

        var started = Stopwatch.StartNew();
        var statuses = await Task.WhenAll(Enumerable.Range(0, Requests).Select(async i =>
        {
            using var response = await clients[i % clients.Count].PostAsJsonAsync(ApiRoutes.DeprecatedTranslations.Prefix, new
            {
                business_id = $"{prefix}.load.{i}",
                text = $"Load {prefix} {i}",
                source_lang = "en",
                target_langs = languages,
            });
            return response.StatusCode;
        }));
        var registration = started.Elapsed;
        clients.ForEach(c => c.Dispose());

        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.Accepted, s));

        var expected = Requests * languages.Length;
        await using var db = stack.OpenDatabase();
        var pattern = $"{prefix}.load.%";
        await WaitForAsync(
            async () => await ScalarAsync<long>(db, "SELECT COUNT(*) FROM translation_jobs WHERE business_id LIKE @p AND status = 'translated'", pattern) == expected,
            $"{expected} jobs translated",
            TimeSpan.FromMinutes(5));
        var processed = started.Elapsed;

        // Claimed once each (attempts counts claims), never from memory (every text differs), and all by the engine.
        Assert.Equal((long)expected, await ScalarAsync<long>(db, "SELECT COUNT(*) FROM translation_jobs WHERE business_id LIKE @p", pattern));
        Assert.Equal(0L, await ScalarAsync<long>(db, "SELECT COUNT(*) FROM translation_jobs WHERE business_id LIKE @p AND (attempts <> 1 OR reused)", pattern));
        Assert.Equal("[ja] 4321 " + Reverse(prefix) + " daoL", await ScalarAsync<string>(
            db, "SELECT result FROM translation_jobs WHERE business_id = @p AND target_lang = 'ja'", $"{prefix}.load.1234"));
        var span = await ScalarAsync<double>(
            db, "SELECT TIMESTAMPDIFF(MICROSECOND, MIN(created_at), MAX(updated_at)) / 1e6 FROM translation_jobs WHERE business_id LIKE @p", pattern);

        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"registration: {Requests} requests in {registration.TotalSeconds:F1} s = {Requests / registration.TotalSeconds:F0} req/s"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"processing: {expected} jobs translated {processed.TotalSeconds:F1} s after the first request = {expected / processed.TotalSeconds:F0} jobs/s end to end; first registration to last translation in MySQL {span:F1} s = {expected / span:F0} jobs/s"));
    }

    [Fact]
    public async Task Ten_thousand_requests_in_batches_are_registered_and_processed()
    {
        const int Batches = 10;
        const int PerBatch = 1_000;
        var prefix = Records.Prefix();

        var started = Stopwatch.StartNew();
        var statuses = await Task.WhenAll(Enumerable.Range(0, Batches).Select(async b =>
        {
            using var response = await stack.Gateway.PostAsJsonAsync(ApiRoutes.DeprecatedTranslations.Batch, new
            {
                items = Enumerable.Range(b * PerBatch, PerBatch).Select(i => new
                {
                    business_id = $"{prefix}.batch.{i}",
                    text = $"Batch {prefix} {i}",
                    source_lang = "en",
                    target_langs = new[] { "de" },
                }),
            });
            return response.StatusCode;
        }));
        var registration = started.Elapsed;
        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.Accepted, s));

        const int Expected = Batches * PerBatch;
        await using var db = stack.OpenDatabase();
        var pattern = $"{prefix}.batch.%";
        await WaitForAsync(
            async () => await ScalarAsync<long>(db, "SELECT COUNT(*) FROM translation_jobs WHERE business_id LIKE @p AND status = 'translated' AND attempts = 1", pattern) == Expected,
            $"{Expected} jobs translated once",
            TimeSpan.FromMinutes(5));

        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"batch registration: {Expected} requests in {Batches} batches in {registration.TotalSeconds:F1} s = {Expected / registration.TotalSeconds:F0} req/s; all translated after {started.Elapsed.TotalSeconds:F1} s"));
    }

    [Fact]
    public async Task Processing_rate_of_the_two_workers_with_the_debug_engine()
    {
        const int PerLanguage = 5_000;
        var prefix = Records.Prefix();
        await using var db = stack.OpenDatabase();

        // Pending jobs written straight into MySQL, as the flusher would, so that only the processors are timed.
        var started = Stopwatch.StartNew();
        foreach (var chunk in Enumerable.Range(0, PerLanguage).Chunk(500))
        {
            await using var insert = new MySqlCommand { Connection = db };
            var contents = new System.Text.StringBuilder();
            var jobs = new System.Text.StringBuilder();
            foreach (var i in chunk)
            {
                var hash = $"{prefix}{i:D8}".PadRight(64, '0');
                contents.Append(contents.Length == 0 ? "" : ",").Append(CultureInfo.InvariantCulture, $"('{hash}', 'en', 'Rate {prefix} {i}', UTC_TIMESTAMP(6), REPEAT(0x00, 24))");
                foreach (var lang in AllLanguages)
                {
                    jobs.Append(jobs.Length == 0 ? "" : ",").Append(CultureInfo.InvariantCulture,
                        $"('{Guid.NewGuid():N}', '{prefix}.rate.{i}', '{hash}', 'en', '{lang}', 'pending', UTC_TIMESTAMP(6), UTC_TIMESTAMP(6), UTC_TIMESTAMP(6), REPEAT(0x00, 24))");
                }
            }

            insert.CommandText =
                $"INSERT INTO translation_contents (content_hash, source_lang, text, created_at, row_version) VALUES {contents};"
                + $"INSERT INTO translation_jobs (job_id, business_id, content_hash, source_lang, target_lang, status, next_attempt_at, created_at, updated_at, row_version) VALUES {jobs};";
            await insert.ExecuteNonQueryAsync();
        }

        var expected = PerLanguage * AllLanguages.Length;
        var pattern = $"{prefix}.rate.%";
        await WaitForAsync(
            async () => await ScalarAsync<long>(db, "SELECT COUNT(*) FROM translation_jobs WHERE business_id LIKE @p AND status = 'translated'", pattern) == expected,
            $"{expected} jobs translated",
            TimeSpan.FromMinutes(5));
        var elapsed = started.Elapsed;

        Assert.Equal(0L, await ScalarAsync<long>(db, "SELECT COUNT(*) FROM translation_jobs WHERE business_id LIKE @p AND attempts <> 1", pattern));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"processing: {expected} pending jobs ({AllLanguages.Length} languages) translated in {elapsed.TotalSeconds:F1} s = {expected / elapsed.TotalSeconds:F0} jobs/s"));
    }

    /// <summary>Registers and returns the job id per target language from the 202 answer.</summary>
    private async Task<Dictionary<string, string>> RequestAsync(string businessId, string text, string[] targets, object? context)
    {
        using var response = await stack.Gateway.PostAsJsonAsync(ApiRoutes.DeprecatedTranslations.Prefix, new
        {
            business_id = businessId,
            text,
            source_lang = "en",
            target_langs = targets,
            context,
        });
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(businessId, body.GetProperty("business_id").GetString());
        return body.GetProperty("jobs").EnumerateArray()
            .ToDictionary(j => j.GetProperty("target_lang").GetString()!, j => j.GetProperty("job_id").GetString()!);
    }

    /// <summary>Polls the state endpoint until each language has <paramref name="status"/>; returns the jobs by language.</summary>
    private async Task<Dictionary<string, JsonElement>> WaitForStatusAsync(
        string businessId, string[] languages, string status, Dictionary<string, string>? jobIds = null)
    {
        Dictionary<string, JsonElement> jobs = [];
        await WaitForAsync(async () =>
        {
            using var response = await stack.Gateway.GetAsync($"{ApiRoutes.DeprecatedTranslations.Prefix}/{businessId}");
            if (response.StatusCode == HttpStatusCode.NotFound)
            {
                return false;
            }

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var body = await response.Content.ReadFromJsonAsync<JsonElement>();
            jobs = body.GetProperty("translations").EnumerateArray()
                .ToDictionary(j => j.GetProperty("target_lang").GetString()!, j => j.Clone());
            return languages.All(l => jobs.TryGetValue(l, out var job)
                && job.GetProperty("status").GetString() == status
                && (jobIds is null || job.GetProperty("job_id").GetString() == jobIds[l]));
        }, $"{businessId} to be {status} in {string.Join(", ", languages)}");
        return jobs;
    }

    private async Task WaitForAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"Timed out waiting for {what}.\n{stack.LogTail()}");
            await Task.Delay(200);
        }
    }

    private static async Task<T> ScalarAsync<T>(MySqlConnection db, string sql, string parameter)
    {
        await using var command = new MySqlCommand(sql, db);
        command.Parameters.AddWithValue("@p", parameter);
        return (T)Convert.ChangeType((await command.ExecuteScalarAsync())!, typeof(T), CultureInfo.InvariantCulture);
    }

    private static string Reverse(string text) => new([.. text.Reverse()]);
}
