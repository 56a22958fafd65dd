using System.Data;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using Persistence.Api;
using Persistence.Api.Queries;
using Persistence.Api.Recovery;
using Persistence.Contracts.Queries;
using Persistence.Storage.PostgreSql;

namespace Integration.Tests;

/// <summary>
/// The API's reads of sessions and tasks, and the restore package, on PostgreSQL: the statements MySQL runs, with the
/// dialect's fragments, must give the same answers (keyset order with ties, JSON filters, UTC timestamps to the
/// microsecond, one snapshot per restore).
/// </summary>
[Collection(PostgresStackDefinition.Name)]
public sealed class PostgresReadsTests(PostgresStackFixture stack) : IAsyncLifetime
{
    private static readonly PostgreSqlDialect Dialect = new();

    private PostgresReadTables _tables = null!;

    public async Task InitializeAsync() => _tables = await PostgresReadTables.CreateAsync(stack.DatabaseConnectionString);

    public async Task DisposeAsync() => await _tables.DisposeAsync();

    private SessionQueries Sessions(int maxCountedTotal = 10_000) =>
        new(_tables.DataSource, Dialect, Options.Create(new QueryOptions { MaxCountedTotal = maxCountedTotal }));

    [Fact]
    public async Task Cursor_paging_visits_every_session_once_in_each_sort_order()
    {
        foreach (var key in ReadRequests.SortKeys)
        {
            foreach (var descending in new[] { true, false })
            {
                var order = new PageOrder(key, descending);
                Func<PostgresReadTables.SessionRow, DateTime> sortValue = key == "created_at" ? s => s.CreatedAt : s => s.UpdatedAt;
                var ordered = descending
                    ? _tables.Sessions.OrderByDescending(sortValue).ThenByDescending(s => s.Id, StringComparer.Ordinal)
                    : _tables.Sessions.OrderBy(sortValue).ThenBy(s => s.Id, StringComparer.Ordinal);

                var (first, seen) = await ReadAllAsync(List(order, pageSize: 5));
                Assert.Equal(12, first.Total);
                Assert.False(first.TotalIsLowerBound);

                Assert.Equal(ordered.Select(s => s.Id), seen);
            }
        }
    }

    [Fact]
    public async Task Filters_match_what_the_rows_hold()
    {
        var order = new PageOrder("created_at", Descending: true);
        var from = PostgresReadTables.Base.AddMinutes(3).AddTicks(1230);
        var to = PostgresReadTables.Base.AddMinutes(10);
        var cases = new (SessionListRequest Request, Func<PostgresReadTables.SessionRow, bool> Expected)[]
        {
            (List(order, statuses: ["pending", "processing"]), s => s.Status is "pending" or "processing"),
            (List(order, statuses: ["pending"], targetLang: "ja"), s => s.Status == "pending" && s.TargetLangs.Contains("ja", StringComparison.Ordinal)),
            (List(order, sourceLang: "de", targetLang: "fr"), s => s.SourceLang == "de" && s.TargetLangs.Contains("fr", StringComparison.Ordinal)),
            (List(order, statuses: ["paused", "completed", "processing"], sourceLang: "de"), s => s.Status is "paused" or "completed" or "processing" && s.SourceLang == "de"),
            (List(order, from: from, to: to), s => s.CreatedAt >= from && s.CreatedAt < to),
        };

        foreach (var (request, expected) in cases)
        {
            var (page, ids) = await ReadAllAsync(request);

            var want = _tables.Sessions.Where(expected).OrderByDescending(s => s.CreatedAt).ThenByDescending(s => s.Id, StringComparer.Ordinal).Select(s => s.Id).ToList();
            Assert.NotEmpty(want);
            Assert.Equal(want, ids);
            Assert.Equal(want.Count, page.Total);
        }
    }

    [Fact]
    public async Task An_offset_page_of_several_statuses_skips_the_rows_before_it()
    {
        var order = new PageOrder("updated_at", Descending: false);
        var request = List(order, statuses: ["pending", "processing", "paused"], pageSize: 2) with { Page = 2 };

        var page = await Sessions().ListAsync(request, CancellationToken.None);

        var want = _tables.Sessions.Where(s => s.Status != "completed").OrderBy(s => s.UpdatedAt).ThenBy(s => s.Id, StringComparer.Ordinal).Skip(2).Take(2);
        Assert.Equal(want.Select(s => s.Id), page.Items.Select(s => s.SessionId));
        Assert.Equal(9, page.Total);
        Assert.NotNull(page.NextCursor);
    }

    [Fact]
    public async Task A_total_past_the_cap_is_a_lower_bound()
    {
        var page = await Sessions(maxCountedTotal: 3).ListAsync(List(new PageOrder("created_at", true), pageSize: 2), CancellationToken.None);

        Assert.Equal(4, page.Total);
        Assert.True(page.TotalIsLowerBound);
    }

    [Fact]
    public async Task A_session_reads_back_as_stored_with_its_task_statistics()
    {
        var session = await Sessions().GetAsync("s01", CancellationToken.None);

        Assert.NotNull(session);
        var stored = _tables.Sessions[0];
        Assert.Equal(stored.CreatedAt, session.CreatedAt.UtcDateTime);
        Assert.Equal(stored.UpdatedAt, session.UpdatedAt.UtcDateTime);
        Assert.Equal(TimeSpan.Zero, session.CreatedAt.Offset);
        Assert.Equal(["fr", "zh-CN"], session.TargetLangs!.Value.EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(1, session.Metadata!.Value.GetProperty("n").GetInt32());
        Assert.Equal(7, session.TotalTasks);
        Assert.Equal(7, session.Tasks!.Total);
        Assert.Equal(2, session.Tasks.ByStatus["pending"]);
        Assert.Equal(2, session.Tasks.ByStatus["processing"]);
        Assert.Equal(3, session.Tasks.Finished);
        Assert.Null(await Sessions().GetAsync("s99", CancellationToken.None));
    }

    [Fact]
    public async Task A_session_s_tasks_page_in_byte_order_of_their_ids()
    {
        var tasks = new TaskQueries(_tables.DataSource);
        foreach (var (statuses, expected) in new (string[], Func<PostgresReadTables.TaskRow, bool>)[]
        {
            ([], _ => true),
            (["pending", "processing"], t => t.Status is "pending" or "processing"),
            (["failed"], t => t.Status == "failed"),
        })
        {
            var ids = new List<string>();
            PageCursor? cursor = null;
            do
            {
                var page = await tasks.ListAsync("s01", new TaskListRequest(statuses, null, null, 2, cursor, Consistency.Eventual), CancellationToken.None);
                Assert.NotNull(page);
                ids.AddRange(page.Items.Select(t => t.TaskId));
                cursor = page.NextCursor is { } next && PageCursor.TryDecode(next, out var decoded) ? decoded : null;
            }
            while (cursor is not null);

            Assert.Equal(_tables.Tasks.Where(t => t.SessionId == "s01").Where(expected).Select(t => t.Id).Order(StringComparer.Ordinal), ids);
        }

        var filtered = await tasks.ListAsync("s01", new TaskListRequest([], "ja", "b2", 20, null, Consistency.Eventual), CancellationToken.None);
        Assert.Equal(["t-B", "t-D"], filtered!.Items.Select(t => t.TaskId));
        Assert.Null(await tasks.ListAsync("s99", new TaskListRequest([], null, null, 20, null, Consistency.Eventual), CancellationToken.None));

        var detail = await tasks.GetAsync("t-a", CancellationToken.None);
        Assert.Equal("text of t-a", detail!.SourceText);
        Assert.Equal(2, detail.Attempts);
        Assert.Null(detail.Metadata);
        Assert.Equal(PostgresReadTables.Base, detail.CreatedAt.UtcDateTime);
        Assert.Equal("t-B", (await tasks.GetAsync("t-B", CancellationToken.None))!.Metadata!.Value.GetProperty("id").GetString());
    }

    /// <summary>A task committed after the snapshot began is not in the package, though the package is written after it.</summary>
    [Fact]
    public async Task A_restore_streams_the_unfinished_tasks_of_one_snapshot()
    {
        var connection = await _tables.DataSource.OpenConnectionAsync();
        var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead);
        var session = await SessionQueries.ReadDetailAsync(connection, transaction, "s02", CancellationToken.None);
        Assert.NotNull(session);
        await _tables.InsertTaskAsync(new("u-4", "s02", "b3", "pending", "fr"));

        using var body = new MemoryStream();
        var package = new RestorePackage(connection, transaction, session, Consistency.Eventual, null, DateTimeOffset.UtcNow, NullLogger.Instance);
        await package.WriteAsync(body, TimeSpan.FromMinutes(1), TimeProvider.System, CancellationToken.None);

        using var written = JsonDocument.Parse(body.ToArray());
        var root = written.RootElement;
        Assert.True(root.GetProperty("complete").GetBoolean());
        Assert.Equal("s02", root.GetProperty("session").GetProperty("session_id").GetString());
        Assert.Equal("2031-05-06T07:10:09.000123Z", root.GetProperty("session").GetProperty("created_at").GetString());
        Assert.Equal(["u-1", "u-3"], root.GetProperty("tasks").EnumerateArray().Select(t => t.GetProperty("task_id").GetString()).Order(StringComparer.Ordinal));
        Assert.Equal("b3", root.GetProperty("tasks")[0].GetProperty("batch_id").GetString());
        Assert.Equal(JsonValueKind.Object, root.GetProperty("tasks")[0].GetProperty("metadata").ValueKind);
        Assert.Equal(2, root.GetProperty("task_count").GetInt64());
    }

    /// <summary>Before the workers' first migration the tables are missing: a 503 to retry, not a 500.</summary>
    [Fact]
    public async Task A_missing_table_is_an_outage_that_passes()
    {
        await using var unmigrated = PostgresReadTables.Open(stack.DatabaseConnectionString, "api_reads_not_migrated");

        var failure = await Assert.ThrowsAsync<PostgresException>(() => new TaskQueries(unmigrated).GetAsync("t-a", CancellationToken.None));

        Assert.True(TransientFailures.IsDatabase(failure, Dialect));
    }

    private static SessionListRequest List(
        PageOrder order, string[]? statuses = null, string? sourceLang = null, string? targetLang = null, DateTime? from = null, DateTime? to = null,
        int pageSize = 3) =>
        new(statuses ?? [], from, to, sourceLang, targetLang, order, pageSize, null, null, Consistency.Eventual, CountsTotal: true);

    /// <summary>The first page, and the ids on it and on every page its cursors lead to.</summary>
    private async Task<(ResultPage<SessionSummary> First, List<string> Ids)> ReadAllAsync(SessionListRequest request)
    {
        var first = await Sessions().ListAsync(request, CancellationToken.None);
        var ids = first.Items.Select(s => s.SessionId).ToList();
        var next = first.NextCursor;
        while (next is not null)
        {
            Assert.True(PageCursor.TryDecode(next, out var cursor));
            // The filters stay; only the cursor moves.
            var page = await Sessions().ListAsync(request with { Cursor = cursor, CountsTotal = false }, CancellationToken.None);
            Assert.Null(page.Total);
            ids.AddRange(page.Items.Select(s => s.SessionId));
            next = page.NextCursor;
        }

        return (first, ids);
    }
}
