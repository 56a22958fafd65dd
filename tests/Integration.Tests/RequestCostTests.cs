using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using MySqlConnector;
using Persistence.Contracts;
using StackExchange.Redis;

namespace Integration.Tests;

/// <summary>What one request may cost the shared back ends, whatever the client puts in it or however many wait.</summary>
[Collection(StackDefinition.Name)]
public sealed class RequestCostTests(StackFixture stack)
{
    [Fact]
    public async Task Many_flush_waiters_share_one_poller_per_replica_instead_of_each_polling_Redis()
    {
        const int Waiters = 40;
        const int TimeoutMs = 1500;
        await using var redis = await ConnectionMultiplexer.ConnectAsync(stack.RedisConnectionString + ",allowAdmin=true");
        var server = redis.GetServer(redis.GetEndPoints()[0]);
        var prefix = Records.Prefix();
        long calls;
        // One session the workers cannot commit, so every barrier waits its whole timeout.
        await using (await TableLock.TakeAsync(stack, "translation_sessions"))
        {
            using (var posted = await stack.PostSessionsAsync([Records.Session($"{prefix}-s0", "processing", 1)]))
            {
                Assert.Equal(HttpStatusCode.Accepted, posted.StatusCode);
            }

            var before = await XinfoCallsAsync(server);
            var waits = Enumerable.Range(0, Waiters).Select(async _ =>
            {
                using var response = await stack.Gateway.PostAsync($"{ApiRoutes.Persistence.Flush}?timeout_ms={TimeoutMs}", null);
                return response.StatusCode;
            });
            var statuses = await Task.WhenAll(waits);
            calls = await XinfoCallsAsync(server) - before;
            Assert.All(statuses, s => Assert.Equal(HttpStatusCode.GatewayTimeout, s));
        }

        // Polling every 20 ms per waiter would be about Waiters × 75 rounds × 4 streams × 2 XINFO calls (24 000). One
        // poller per replica is 2 × 75 × 8, plus each waiter's first look and the backlog monitors' own reads.
        Assert.InRange(calls, 1, 5000);
        await stack.FlushAsync();
    }

    [Fact]
    public async Task A_tracestate_of_any_size_is_cut_to_the_W3C_limit_before_it_is_copied_into_stream_entries()
    {
        var prefix = Records.Prefix();
        // As many members as W3C allows, each as long as it allows: about 8 KB, where 512 characters is what must be kept.
        var members = Enumerable.Range(0, 32).Select(i => string.Create(CultureInfo.InvariantCulture, $"vendor{i:D2}={new string('x', 240)}"));
        using var request = new HttpRequestMessage(HttpMethod.Post, ApiRoutes.Persistence.TasksBatch)
        {
            Content = JsonContent.Create(new { tasks = Records.Tasks(prefix, 20) }),
        };
        request.Headers.Add("traceparent", $"00-{ActivityTraceId.CreateRandom()}-{ActivitySpanId.CreateRandom()}-01");
        request.Headers.Add("tracestate", string.Join(",", members));

        using (var response = await stack.Gateway.SendAsync(request))
        {
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        }

        var entries = (await stack.RecentEntriesAsync(PersistenceStreams.Tasks, 2000))
            .Where(e => StreamRecords.Text(e).Contains(prefix, StringComparison.Ordinal))
            .ToList();
        Assert.Equal(20, entries.Sum(EntryItems.CountOf));
        Assert.All(entries, e =>
        {
            var state = (string?)e[PersistenceStreams.Fields.TraceState] ?? "";
            Assert.InRange(state.Length, 0, 512);
            Assert.InRange(state.Split(',', StringSplitOptions.RemoveEmptyEntries).Length, 0, 32);
        });
        await stack.FlushAsync();
    }

    [Fact]
    public async Task The_state_of_a_business_id_reads_one_job_per_language_however_many_versions_it_had()
    {
        const int Versions = 5000;
        var prefix = Records.Prefix();
        var business = $"{prefix}.history";
        await using var db = stack.OpenDatabase();
        await InsertVersionsAsync(db, prefix, business, Versions);

        var fewest = long.MaxValue;
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var before = await RowsReadAsync(db);
            using var response = await stack.Gateway.GetAsync($"{ApiRoutes.DeprecatedTranslations.Prefix}/{business}");
            var read = await RowsReadAsync(db) - before;
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var translations = (await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("translations");
            var job = Assert.Single(translations.EnumerateArray());
            Assert.Equal(Version(prefix, Versions - 1), job.GetProperty("job_id").GetString());
            fewest = Math.Min(fewest, read);
        }

        // Every historical version read would be at least 5000 index reads; the workers' own claims add a few.
        Assert.InRange(fewest, 0, Versions / 2);
    }

    private static async Task InsertVersionsAsync(MySqlConnection db, string prefix, string business, int versions)
    {
        const int Chunk = 500;
        for (var start = 0; start < versions; start += Chunk)
        {
            await using var command = new MySqlCommand { Connection = db };
            var rows = new List<string>();
            for (var i = start; i < Math.Min(versions, start + Chunk); i++)
            {
                rows.Add(string.Create(CultureInfo.InvariantCulture,
                    $"('{Version(prefix, i)}', @business, REPEAT('0', 64), 'en', 'fr', 'translated', 'x', 1, '2026-01-01' + INTERVAL {i} SECOND, '2026-01-01' + INTERVAL {i} SECOND, '2026-01-01' + INTERVAL {i} SECOND, REPEAT('0', 24))"));
            }

            command.CommandText = "INSERT INTO translation_jobs (job_id, business_id, content_hash, source_lang, target_lang, status, result, attempts, next_attempt_at, created_at, updated_at, row_version) VALUES "
                + string.Join(", ", rows);
            command.Parameters.AddWithValue("@business", business);
            await command.ExecuteNonQueryAsync();
        }
    }

    private static string Version(string prefix, int i) => prefix + "v" + i.ToString("D21", CultureInfo.InvariantCulture);

    /// <summary>Index and table rows read by the whole server so far.</summary>
    private static async Task<long> RowsReadAsync(MySqlConnection db)
    {
        await using var command = new MySqlCommand("SHOW GLOBAL STATUS WHERE Variable_name IN ('Handler_read_next', 'Handler_read_prev', 'Handler_read_rnd_next')", db);
        await using var reader = await command.ExecuteReaderAsync();
        long total = 0;
        while (await reader.ReadAsync())
        {
            total += long.Parse(reader.GetString(1), CultureInfo.InvariantCulture);
        }

        return total;
    }

    private static async Task<long> XinfoCallsAsync(IServer server)
    {
        var stats = await server.InfoAsync("commandstats");
        var xinfo = stats.SelectMany(g => g).Where(p => p.Key.StartsWith("cmdstat_xinfo", StringComparison.Ordinal));
        return xinfo.Sum(p => long.Parse(p.Value.Split(',')[0]["calls=".Length..], CultureInfo.InvariantCulture));
    }
}
