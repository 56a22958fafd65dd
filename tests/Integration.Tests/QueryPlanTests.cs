using System.Data.Common;
using System.Diagnostics;
using MySqlConnector;
using Persistence.Api.Queries;
using Persistence.Api.Recovery;
using Persistence.Maintenance.GarbageCollection;
using Persistence.Storage.MySql;
using Xunit.Abstractions;

namespace Integration.Tests;

/// <summary>
/// Every statement the read API and the garbage collector run, explained on tables big enough for the optimizer to prefer an index only when
/// it pays: each must read through an index (a key, never a full scan). The statements come from the API's own
/// builders, so the test follows the code.
/// </summary>
[Collection(StackDefinition.Name)]
public sealed class QueryPlanTests(StackFixture stack, ITestOutputHelper output)
{
    public const int BulkSessions = 40_000;
    public const int BulkTasks = 500_000;

    private static readonly SemaphoreSlim LoadLock = new(1, 1);
    private static bool _loaded;

    public static TheoryData<string> Statements => new(Explained.Keys);

    private static readonly MySqlDialect Dialect = new();

    /// <summary>Statement name → (command on a connection, indexes the table rows may use).</summary>
    private static readonly Dictionary<string, (Func<MySqlConnection, DbCommand> Build, string[] Indexes)> Explained = new()
    {
        ["sessions, newest first"] = (db => SessionQueries.BuildListCommand(db, Dialect, Sessions()), ["idx_sessions_created"]),
        ["sessions, count"] = (db => SessionQueries.BuildCountCommand(db, Dialect, Sessions(from: Bulk(100), to: Bulk(30_000)), CountCap), ["idx_sessions_created"]),
        ["sessions, deep cursor"] = (db => SessionQueries.BuildListCommand(db, Dialect, Sessions(cursor: Cursor("created_at", true, Bulk(35_000), "bulk-s35000"))), ["idx_sessions_created"]),
        ["sessions, status, created_at"] = (db => SessionQueries.BuildListCommand(db, Dialect, Sessions(["processing"])), ["idx_sessions_status_created"]),
        ["sessions, status, count"] = (db => SessionQueries.BuildCountCommand(db, Dialect, Sessions(["processing", "paused"]), CountCap), ["idx_sessions_status_created", "idx_sessions_status_updated"]),
        ["sessions, status, updated_at asc, cursor"] = (
            db => SessionQueries.BuildListCommand(db, Dialect, Sessions(["failed"], order: new PageOrder("updated_at", false), cursor: Cursor("updated_at", false, Bulk(20_000), "bulk-s20000"))),
            ["idx_sessions_status_updated"]),
        ["sessions, several statuses"] = (db => SessionQueries.BuildListCommand(db, Dialect, Sessions(["pending", "processing", "paused"])), ["idx_sessions_status_created"]),
        ["sessions, updated_at range"] = (
            db => SessionQueries.BuildListCommand(db, Dialect, Sessions(order: new PageOrder("updated_at", true), from: Bulk(1000), to: Bulk(2000))), ["idx_sessions_updated"]),
        ["sessions, languages"] = (db => SessionQueries.BuildListCommand(db, Dialect, Sessions(sourceLang: "de", targetLang: "fr")), ["idx_sessions_source_created"]),
        ["sessions, source_lang"] = (db => SessionQueries.BuildListCommand(db, Dialect, Sessions(sourceLang: "de")), ["idx_sessions_source_created"]),
        ["sessions, source_lang, updated_at"] = (
            db => SessionQueries.BuildListCommand(db, Dialect, Sessions(order: new PageOrder("updated_at", true), sourceLang: "en")), ["idx_sessions_source_updated"]),
        ["sessions, source_lang, count"] = (
            db => SessionQueries.BuildCountCommand(db, Dialect, Sessions(sourceLang: "de"), CountCap), ["idx_sessions_source_created", "idx_sessions_source_updated"]),
        ["sessions, status, source_lang"] = (
            db => SessionQueries.BuildListCommand(db, Dialect, Sessions(["processing"], sourceLang: "de")), ["idx_sessions_status_source_created"]),
        ["sessions, several statuses, source_lang, updated_at"] = (
            db => SessionQueries.BuildListCommand(db, Dialect, Sessions(["pending", "failed"], order: new PageOrder("updated_at", false), sourceLang: "en")),
            ["idx_sessions_status_source_updated"]),
        ["sessions, status, source_lang, count"] = (
            db => SessionQueries.BuildCountCommand(db, Dialect, Sessions(["processing", "paused"], sourceLang: "de"), CountCap),
            ["idx_sessions_status_source_created", "idx_sessions_status_source_updated"]),
        ["sessions, status, target_lang"] = (db => SessionQueries.BuildListCommand(db, Dialect, Sessions(["processing"], targetLang: "ja")), ["idx_sessions_status_created"]),
        ["sessions, status, target_lang, count"] = (
            db => SessionQueries.BuildCountCommand(db, Dialect, Sessions(["processing"], targetLang: "ja"), CountCap), ["idx_sessions_status_created", "idx_sessions_status_updated"]),
        ["recovery, incomplete sessions"] = (
            db => SessionQueries.BuildListCommand(db, Dialect, new SessionListRequest(["pending", "processing", "paused"], null, null, null, null, new PageOrder("created_at", true), 20, null, null, Consistency.Eventual, false)),
            ["idx_sessions_status_created"]),
        ["session detail, task statistics"] = (db => SessionQueries.BuildStatisticsCommand(db, "bulk-s123"), ["idx_tasks_session_status"]),
        ["tasks of a session"] = (db => TaskQueries.BuildListCommand(db, "bulk-s123", Tasks([])), ["idx_tasks_session"]),
        ["tasks of a session, status, cursor"] = (
            db => TaskQueries.BuildListCommand(db, "bulk-s123", Tasks(["pending"], cursor: new PageCursor(PageOrder.TaskIdAscending, 0, "bulk-t200123"))), ["idx_tasks_session_status"]),
        ["tasks of a session, several statuses"] = (db => TaskQueries.BuildListCommand(db, "bulk-s123", Tasks(["pending", "processing"])), ["idx_tasks_session_status"]),
        ["tasks of a session, batch and language"] = (
            db => TaskQueries.BuildListCommand(db, "bulk-s123", Tasks([], batchId: "bulk-b1", targetLang: "fr")), ["idx_tasks_session", "idx_tasks_batch", "idx_tasks_session_status"]),
        ["restore, unfinished tasks"] = (db => RestorePackage.BuildTasksCommand(db, "bulk-s123"), ["idx_tasks_session_status"]),
        ["gc, next sessions"] = (db => GarbageCollector.BuildNextBatchCommand(db, "completed", Bulk(30_000), 1000), ["idx_sessions_status_updated"]),
        ["gc, delete tasks"] = (
            db => GarbageCollector.BuildDeleteTasksCommand(db, Dialect, [.. Enumerable.Range(1, 1000).Select(i => $"bulk-s{i * 7}")], 5000),
            ["idx_tasks_session", "idx_tasks_session_status"]),
        // The sessions side of the orphan check is a primary-key probe per task.
        ["gc, count orphan tasks"] = (db => GarbageCollector.BuildCountOrphanTasksCommand(db, BulkBase.AddSeconds(20_000)), ["idx_tasks_updated", "PRIMARY"]),
        ["gc, first orphan tasks"] = (db => GarbageCollector.BuildNextOrphanTasksCommand(db, BulkBase.AddSeconds(300_000), null, 5000), ["idx_tasks_updated", "PRIMARY"]),
        ["gc, next orphan tasks"] = (
            db => GarbageCollector.BuildNextOrphanTasksCommand(db, BulkBase.AddSeconds(300_000), (BulkBase.AddSeconds(250_000), "bulk-t250000"), 5000),
            ["idx_tasks_updated", "PRIMARY"]),
        ["gc, delete orphan tasks"] = (
            db => GarbageCollector.BuildDeleteOrphanTasksCommand(db, [.. Enumerable.Range(1, 5000).Select(i => $"bulk-t{i * 97}")], BulkBase.AddSeconds(300_000)),
            ["PRIMARY"]),
    };

    [Theory]
    [MemberData(nameof(Statements))]
    public async Task Every_read_uses_an_index(string statement)
    {
        await EnsureLoadedAsync();
        var (build, indexes) = Explained[statement];
        await using var db = stack.OpenDatabase();
        await using var command = build(db);
        command.CommandText = "EXPLAIN " + command.CommandText;

        var rows = new List<(string Table, string Type, string? Key, string Extra)>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                rows.Add((
                    reader.GetString(reader.GetOrdinal("table")),
                    reader.GetString(reader.GetOrdinal("type")),
                    reader["key"] as string,
                    reader["Extra"] as string ?? ""));
            }
        }

        foreach (var row in rows)
        {
            output.WriteLine($"{statement}: table={row.Table} type={row.Type} key={row.Key ?? "NULL"} extra={row.Extra}");
        }

        // Rows for derived tables (<derivedN>, <unionN>) merge the few rows the branches below them returned.
        var tableRows = rows.Where(r => r.Table.StartsWith("translation_", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(tableRows);
        Assert.All(tableRows, row =>
        {
            Assert.NotEqual("ALL", row.Type);
            Assert.NotNull(row.Key);
            Assert.True(row.Key!.Split(',').Any(indexes.Contains), $"{statement} used {row.Key}; expected one of {string.Join(", ", indexes)}");
        });
    }

    /// <summary>
    /// The handler counters say how many index entries and rows the statement touched, which EXPLAIN only estimates.
    /// The bulk range holds 30,000 matching sessions, three times the cap. SHOW STATUS reads rows itself, so what one
    /// SHOW costs is measured and taken off.
    /// </summary>
    [Fact]
    public async Task The_total_of_an_offset_page_reads_at_most_its_cap()
    {
        await EnsureLoadedAsync();
        await using var db = stack.OpenDatabase();
        await using var command = SessionQueries.BuildCountCommand(db, Dialect, Sessions(from: Bulk(100), to: Bulk(30_100)), CountCap);

        var before = await HandlerReadsAsync(db);
        var baseline = await HandlerReadsAsync(db);
        var counted = Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
        var after = await HandlerReadsAsync(db);
        var reads = after - baseline - (baseline - before);

        output.WriteLine($"counted {counted}, {reads} handler reads, cap {CountCap}");
        Assert.Equal(CountCap + 1, counted);
        // One read per counted index entry, once more from the derived table that holds them, and a few to start the ranges.
        Assert.True(reads <= 2 * (CountCap + 1) + 10, $"the count read {reads} entries for a cap of {CountCap}");
    }

    private static async Task<long> HandlerReadsAsync(MySqlConnection db)
    {
        long reads = 0;
        await using var status = new MySqlCommand("SHOW SESSION STATUS LIKE 'Handler_read%'", db);
        await using var reader = await status.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            reads += long.Parse(reader.GetString(1), System.Globalization.CultureInfo.InvariantCulture);
        }

        return reads;
    }

    [Fact]
    public async Task An_offset_page_past_the_cap_reports_its_total_as_a_lower_bound()
    {
        await EnsureLoadedAsync();
        var range = $"from={Query(Bulk(100))}&to={Query(Bulk(30_100))}";

        var capped = await stack.GetJsonAsync($"{Reads.Sessions}?{range}&page=3&page_size=20");
        Assert.Equal(CountCap + 1, capped.GetProperty("total").GetInt64());
        Assert.True(capped.GetProperty("total_is_lower_bound").GetBoolean());
        Assert.Equal(20, capped.GetProperty("items").GetArrayLength());

        var narrow = $"from={Query(Bulk(100))}&to={Query(Bulk(600))}";
        var exact = await stack.GetJsonAsync($"{Reads.Sessions}?{narrow}&page_size=20");
        Assert.Equal(500, exact.GetProperty("total").GetInt64());
        Assert.False(exact.GetProperty("total_is_lower_bound").GetBoolean());
    }

    private static readonly int CountCap = new QueryOptions().MaxCountedTotal;

    [Fact]
    public async Task Reads_stay_fast_on_the_big_tables()
    {
        await EnsureLoadedAsync();
        var paths = new Dictionary<string, string>
        {
            ["list, first page"] = $"{Reads.Sessions}?page_size=20",
            ["list, status filter"] = $"{Reads.Sessions}?status=processing&page_size=20",
            ["list, deep cursor"] = $"{Reads.Sessions}?page_size=20&cursor={Cursor("created_at", true, Bulk(1000), "bulk-s1000").Encode()}",
            ["detail"] = $"{Reads.Sessions}/bulk-s777",
            ["tasks"] = $"{Reads.Sessions}/bulk-s777/tasks",
        };

        foreach (var (name, path) in paths)
        {
            var times = new List<double>();
            for (var i = 0; i < 40; i++)
            {
                var watch = Stopwatch.StartNew();
                using var response = await stack.Gateway.GetAsync(path);
                await response.Content.ReadAsByteArrayAsync();
                times.Add(watch.Elapsed.TotalMilliseconds);
                Assert.True(response.IsSuccessStatusCode, $"{name}: {(int)response.StatusCode}");
            }

            times.Sort();
            output.WriteLine($"{name}: p50 {times[times.Count / 2]:F1} ms, p99 {times[^1]:F1} ms over {times.Count} requests");
            // Generous: a scan of the big table would take far longer than this on any machine.
            Assert.True(times[times.Count / 2] < 250, $"{name} p50 {times[times.Count / 2]:F1} ms");
        }
    }

    /// <summary>
    /// Generated inside MariaDB (the Sequence engine's seq_1_to_N tables), which loads half a million rows in
    /// seconds. Timestamps lie in 2095, past any window the other tests use and never old enough to collect.
    /// </summary>
    private async Task EnsureLoadedAsync()
    {
        await LoadLock.WaitAsync();
        try
        {
            if (_loaded)
            {
                return;
            }

            var watch = Stopwatch.StartNew();
            await using var db = stack.OpenDatabase();
            await using var load = new MySqlCommand(
                $"""
                INSERT IGNORE INTO translation_sessions
                    (session_id, status, source_lang, target_langs, total_tasks, completed_tasks, failed_tasks, created_at, updated_at, row_version)
                SELECT CONCAT('bulk-s', seq), ELT(1 + seq % 6, 'pending', 'processing', 'paused', 'completed', 'failed', 'cancelled'),
                       IF(seq % 2, 'en', 'de'), IF(seq % 3, '["fr","zh-CN"]', '["ja"]'), 15, 0, 0,
                       @base + INTERVAL seq MINUTE, @base + INTERVAL (seq + seq % 100) MINUTE, REPEAT(CHAR(0), 24)
                FROM seq_1_to_{BulkSessions};
                INSERT IGNORE INTO translation_tasks
                    (task_id, session_id, batch_id, status, source_lang, target_lang, source_text, attempts, created_at, updated_at, row_version)
                SELECT CONCAT('bulk-t', seq), CONCAT('bulk-s', 1 + seq % {BulkSessions}), CONCAT('bulk-b', seq DIV 100),
                       ELT(1 + seq % 5, 'pending', 'processing', 'completed', 'failed', 'cancelled'), 'en', IF(seq % 2, 'fr', 'zh-CN'),
                       'The quick brown fox jumps over the lazy dog', 1,
                       @base + INTERVAL seq SECOND, @base + INTERVAL seq SECOND, REPEAT(CHAR(0), 24)
                FROM seq_1_to_{BulkTasks};
                ANALYZE TABLE translation_sessions, translation_tasks;
                """,
                db)
            {
                CommandTimeout = 300,
            };
            load.Parameters.AddWithValue("@base", BulkBase);
            await load.ExecuteNonQueryAsync();
            output.WriteLine($"loaded {BulkSessions} sessions and {BulkTasks} tasks in {watch.ElapsedMilliseconds} ms");
            _loaded = true;
        }
        finally
        {
            LoadLock.Release();
        }
    }

    private static readonly DateTime BulkBase = new(2095, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    private static DateTime Bulk(int minutes) => BulkBase.AddMinutes(minutes);

    private static string Query(DateTime value) =>
        Uri.EscapeDataString(value.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture));

    private static PageCursor Cursor(string key, bool descending, DateTime value, string id) =>
        new(new PageOrder(key, descending), PageCursor.ToValue(value), id);

    private static SessionListRequest Sessions(
        string[]? statuses = null, PageOrder? order = null, DateTime? from = null, DateTime? to = null, PageCursor? cursor = null,
        string? sourceLang = null, string? targetLang = null) =>
        new(statuses ?? [], from, to, sourceLang, targetLang, order ?? new PageOrder("created_at", true), 20, cursor is null ? 1 : null, cursor,
            Consistency.Eventual, cursor is null);

    private static TaskListRequest Tasks(string[] statuses, PageCursor? cursor = null, string? batchId = null, string? targetLang = null) =>
        new(statuses, targetLang, batchId, 20, cursor, Consistency.Eventual);
}
