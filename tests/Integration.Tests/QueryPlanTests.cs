using System.Data.Common;
using System.Diagnostics;
using Persistence.Api.Queries;
using Persistence.Api.Recovery;
using Persistence.Contracts;
using Persistence.Maintenance.GarbageCollection;
using Persistence.Storage;
using Xunit.Abstractions;

namespace Integration.Tests;

/// <summary>
/// Every statement the read API and the garbage collector run, explained on tables big enough for the optimizer to prefer an index only when
/// it pays: each must read through an index (a key, never a full scan). The statements come from the API's own
/// builders, with the stack's dialect, so the test follows the code on every backend.
/// </summary>
public abstract class QueryPlanTests(StackFixture stack, ITestOutputHelper output)
{
    public const int BulkSessions = 40_000;
    public const int BulkTasks = 500_000;

    protected StackFixture Stack => stack;

    protected ITestOutputHelper Output => output;

    private static readonly SemaphoreSlim LoadLock = new(1, 1);
    private static readonly HashSet<StackFixture> Loaded = [];

    public static TheoryData<string> Statements => new(Explained.Keys);

    /// <summary>Statement name → (command on a connection in a dialect, indexes the table rows may use).</summary>
    private static readonly Dictionary<string, (Func<DbConnection, StorageDialect, DbCommand> Build, string[] Indexes)> Explained = new()
    {
        ["sessions, newest first"] = ((db, dialect) => SessionQueries.BuildListCommand(db, dialect, Sessions()), ["idx_sessions_created"]),
        ["sessions, count"] = (
            (db, dialect) => SessionQueries.BuildCountCommand(db, dialect, Sessions(from: Bulk(100), to: Bulk(30_000)), CountCap), ["idx_sessions_created"]),
        ["sessions, deep cursor"] = (
            (db, dialect) => SessionQueries.BuildListCommand(db, dialect, Sessions(cursor: Cursor("created_at", true, Bulk(35_000), "bulk-s35000"))),
            ["idx_sessions_created"]),
        ["sessions, status, created_at"] = ((db, dialect) => SessionQueries.BuildListCommand(db, dialect, Sessions(["processing"])), ["idx_sessions_status_created"]),
        ["sessions, status, count"] = (
            (db, dialect) => SessionQueries.BuildCountCommand(db, dialect, Sessions(["processing", "paused"]), CountCap),
            ["idx_sessions_status_created", "idx_sessions_status_updated"]),
        ["sessions, status, updated_at asc, cursor"] = (
            (db, dialect) => SessionQueries.BuildListCommand(
                db, dialect, Sessions(["failed"], order: new PageOrder("updated_at", false), cursor: Cursor("updated_at", false, Bulk(20_000), "bulk-s20000"))),
            ["idx_sessions_status_updated"]),
        ["sessions, several statuses"] = (
            (db, dialect) => SessionQueries.BuildListCommand(db, dialect, Sessions(["pending", "processing", "paused"])), ["idx_sessions_status_created"]),
        ["sessions, updated_at range"] = (
            (db, dialect) => SessionQueries.BuildListCommand(db, dialect, Sessions(order: new PageOrder("updated_at", true), from: Bulk(1000), to: Bulk(2000))),
            ["idx_sessions_updated"]),
        ["sessions, languages"] = (
            (db, dialect) => SessionQueries.BuildListCommand(db, dialect, Sessions(sourceLang: "de", targetLang: "fr")), ["idx_sessions_source_created"]),
        ["sessions, source_lang"] = ((db, dialect) => SessionQueries.BuildListCommand(db, dialect, Sessions(sourceLang: "de")), ["idx_sessions_source_created"]),
        ["sessions, source_lang, updated_at"] = (
            (db, dialect) => SessionQueries.BuildListCommand(db, dialect, Sessions(order: new PageOrder("updated_at", true), sourceLang: "en")),
            ["idx_sessions_source_updated"]),
        ["sessions, source_lang, count"] = (
            (db, dialect) => SessionQueries.BuildCountCommand(db, dialect, Sessions(sourceLang: "de"), CountCap),
            ["idx_sessions_source_created", "idx_sessions_source_updated"]),
        ["sessions, status, source_lang"] = (
            (db, dialect) => SessionQueries.BuildListCommand(db, dialect, Sessions(["processing"], sourceLang: "de")), ["idx_sessions_status_source_created"]),
        ["sessions, several statuses, source_lang, updated_at"] = (
            (db, dialect) => SessionQueries.BuildListCommand(
                db, dialect, Sessions(["pending", "failed"], order: new PageOrder("updated_at", false), sourceLang: "en")),
            ["idx_sessions_status_source_updated"]),
        ["sessions, status, source_lang, count"] = (
            (db, dialect) => SessionQueries.BuildCountCommand(db, dialect, Sessions(["processing", "paused"], sourceLang: "de"), CountCap),
            ["idx_sessions_status_source_created", "idx_sessions_status_source_updated"]),
        ["sessions, status, target_lang"] = (
            (db, dialect) => SessionQueries.BuildListCommand(db, dialect, Sessions(["processing"], targetLang: "ja")), ["idx_sessions_status_created"]),
        ["sessions, status, target_lang, count"] = (
            (db, dialect) => SessionQueries.BuildCountCommand(db, dialect, Sessions(["processing"], targetLang: "ja"), CountCap),
            ["idx_sessions_status_created", "idx_sessions_status_updated"]),
        ["recovery, incomplete sessions"] = (
            (db, dialect) => SessionQueries.BuildListCommand(
                db,
                dialect,
                new SessionListRequest(["pending", "processing", "paused"], null, null, null, null, new PageOrder("created_at", true), 20, null, null, Consistency.Eventual, false)),
            ["idx_sessions_status_created"]),
        ["session detail, task statistics"] = ((db, _) => SessionQueries.BuildStatisticsCommand(db, "bulk-s123"), ["idx_tasks_session_status"]),
        ["tasks of a session"] = ((db, _) => TaskQueries.BuildListCommand(db, "bulk-s123", Tasks([])), ["idx_tasks_session"]),
        ["tasks of a session, status, cursor"] = (
            (db, _) => TaskQueries.BuildListCommand(db, "bulk-s123", Tasks(["pending"], cursor: new PageCursor(PageOrder.TaskIdAscending, 0, "bulk-t200123"))),
            ["idx_tasks_session_status"]),
        ["tasks of a session, several statuses"] = ((db, _) => TaskQueries.BuildListCommand(db, "bulk-s123", Tasks(["pending", "processing"])), ["idx_tasks_session_status"]),
        ["tasks of a session, batch and language"] = (
            (db, _) => TaskQueries.BuildListCommand(db, "bulk-s123", Tasks([], batchId: "bulk-b1", targetLang: "fr")),
            ["idx_tasks_session", "idx_tasks_batch", "idx_tasks_session_status"]),
        ["restore, unfinished tasks"] = ((db, _) => RestorePackage.BuildTasksCommand(db, "bulk-s123"), ["idx_tasks_session_status"]),
        ["gc, next sessions"] = ((db, _) => GarbageCollector.BuildNextBatchCommand(db, "completed", Bulk(30_000), 1000), ["idx_sessions_status_updated"]),
        ["gc, delete tasks"] = (
            (db, dialect) => GarbageCollector.BuildDeleteTasksCommand(db, dialect, [.. Enumerable.Range(1, 1000).Select(i => $"bulk-s{i * 7}")], 5000),
            ["idx_tasks_session", "idx_tasks_session_status"]),
        // The sessions side of the orphan check is a primary-key probe per task (on PostgreSQL, which may hash every
        // session id instead, the probes are what its plan is asked for: see QueryPlanTestsOnPostgres).
        ["gc, count orphan tasks"] = ((db, _) => GarbageCollector.BuildCountOrphanTasksCommand(db, BulkBase.AddSeconds(20_000)), ["idx_tasks_updated", "PRIMARY"]),
        ["gc, first orphan tasks"] = (
            (db, _) => GarbageCollector.BuildNextOrphanTasksCommand(db, BulkBase.AddSeconds(300_000), null, 5000), ["idx_tasks_updated", "PRIMARY"]),
        ["gc, next orphan tasks"] = (
            (db, _) => GarbageCollector.BuildNextOrphanTasksCommand(db, BulkBase.AddSeconds(300_000), (BulkBase.AddSeconds(250_000), "bulk-t250000"), 5000),
            ["idx_tasks_updated", "PRIMARY"]),
        ["gc, delete orphan tasks"] = (
            (db, _) => GarbageCollector.BuildDeleteOrphanTasksCommand(db, [.. Enumerable.Range(1, 5000).Select(i => $"bulk-t{i * 97}")], BulkBase.AddSeconds(300_000)),
            ["PRIMARY"]),
    };

    /// <summary>Where a statement's plan differs on PostgreSQL by design, the indexes its rows may use there instead.</summary>
    private static readonly Dictionary<string, string[]> OnPostgres = new()
    {
        // PostgreSQL's DELETE has no LIMIT: the chunk's keys come from the session index and are deleted by primary key.
        ["gc, delete tasks"] = ["idx_tasks_session", "idx_tasks_session_status", "PRIMARY"],
    };

    [Theory]
    [MemberData(nameof(Statements))]
    public async Task Every_read_uses_an_index(string statement)
    {
        await EnsureLoadedAsync();
        var (build, expected) = Explained[statement];
        var indexes = stack.Backend == StorageBackends.PostgreSql && OnPostgres.TryGetValue(statement, out var onPostgres) ? onPostgres : expected;
        await using var db = stack.OpenStorage();
        await using var command = build(db, stack.Dialect);
        var reads = await ExplainAsync(command);

        foreach (var read in reads)
        {
            output.WriteLine($"{statement}: table={read.Table} access={read.Access} key={(read.Indexes.Count == 0 ? "NULL" : string.Join(",", read.Indexes))} {read.Detail}");
        }

        // Reads of derived tables (MySQL's <derivedN>, PostgreSQL's subquery scans) merge the few rows the branches below them returned.
        var tableReads = reads.Where(r => r.Table.StartsWith("translation_", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(tableReads);
        Assert.All(tableReads, read =>
        {
            Assert.False(read.FullScan, $"{statement} scans all of {read.Table}");
            Assert.True(read.Indexes.Any(indexes.Contains), $"{statement} used {string.Join(",", read.Indexes)} on {read.Table}; expected one of {string.Join(", ", indexes)}");
        });
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

    /// <summary>The tables a statement's plan reads, as the backend's EXPLAIN tells them.</summary>
    protected abstract Task<IReadOnlyList<TableRead>> ExplainAsync(DbCommand command);

    /// <summary>
    /// Fills the stack's tables with <see cref="BulkSessions"/> sessions and <see cref="BulkTasks"/> tasks generated
    /// inside the database, the same rows on every backend, and refreshes the optimizer's statistics. Session n is
    /// <c>bulk-s{n}</c>, created n minutes after <see cref="BulkBase"/>, updated n + n % 100 minutes after it, its status
    /// the n % 6-th of pending, processing, paused, completed, failed, cancelled, in English when n is odd (German
    /// otherwise), targeting ja when n % 3 is 0 (fr and zh-CN otherwise). Task n is <c>bulk-t{n}</c> of session
    /// 1 + n % <see cref="BulkSessions"/>, in batch <c>bulk-b{n / 100}</c>, created and updated n seconds after the base,
    /// its status the n % 5-th of pending, processing, completed, failed, cancelled, into French when n is odd
    /// (zh-CN otherwise). Rows already there are kept, so a second load changes nothing.
    /// </summary>
    protected abstract Task BulkLoadAsync(DbConnection db);

    protected async Task EnsureLoadedAsync()
    {
        await LoadLock.WaitAsync();
        try
        {
            if (Loaded.Contains(stack))
            {
                return;
            }

            var watch = Stopwatch.StartNew();
            await using var db = stack.OpenStorage();
            await BulkLoadAsync(db);
            output.WriteLine($"loaded {BulkSessions} sessions and {BulkTasks} tasks into {stack.DatabaseProduct} in {watch.ElapsedMilliseconds} ms");
            Loaded.Add(stack);
        }
        finally
        {
            LoadLock.Release();
        }
    }

    /// <summary>Timestamps lie in 2095, past any window the other tests use and never old enough to collect.</summary>
    protected static readonly DateTime BulkBase = new(2095, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    protected static readonly int CountCap = new QueryOptions().MaxCountedTotal;

    protected static DateTime Bulk(int minutes) => BulkBase.AddMinutes(minutes);

    protected static SessionListRequest Sessions(
        string[]? statuses = null, PageOrder? order = null, DateTime? from = null, DateTime? to = null, PageCursor? cursor = null,
        string? sourceLang = null, string? targetLang = null) =>
        new(statuses ?? [], from, to, sourceLang, targetLang, order ?? new PageOrder("created_at", true), 20, cursor is null ? 1 : null, cursor,
            Consistency.Eventual, cursor is null);

    private static string Query(DateTime value) =>
        Uri.EscapeDataString(value.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture));

    private static PageCursor Cursor(string key, bool descending, DateTime value, string id) =>
        new(new PageOrder(key, descending), PageCursor.ToValue(value), id);

    private static TaskListRequest Tasks(string[] statuses, PageCursor? cursor = null, string? batchId = null, string? targetLang = null) =>
        new(statuses, targetLang, batchId, 20, cursor, Consistency.Eventual);
}
