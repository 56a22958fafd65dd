using System.Net;
using System.Text.Json;
using Persistence.Api.Queries;
using Persistence.Contracts;

namespace Integration.Tests;

/// <summary>The query API through the gateway, on what the pipeline wrote to MySQL.</summary>
public abstract class QueryTests(StackFixture stack)
{
    private static readonly string[] Statuses = ["pending", "processing", "completed", "failed", "paused"];

    [Fact]
    public async Task Session_list_filters_sorts_and_pages_by_offset_and_by_cursor()
    {
        var prefix = Records.Prefix();
        var window = Reads.Window();
        // Session i: created i minutes into the window, updated in the opposite order, status cycling, every
        // other one in German with French among its targets.
        var sessions = Enumerable.Range(0, 25).Select(i => Reads.Session(
            $"{prefix}-s{Reads.N(i)}",
            Statuses[i % 5],
            window.AddMinutes(i),
            window.AddMinutes(60 - i),
            sourceLang: i % 2 == 0 ? "de" : "en",
            targets: i % 2 == 0 ? ["fr", "zh-CN"] : ["zh-CN"])).ToList();
        await Reads.AcceptedAsync(stack.PostSessionsAsync(sessions));
        string Id(int i) => $"{prefix}-s{Reads.N(i)}";
        var range = $"from={Reads.Q(window)}&to={Reads.Q(window.AddDays(1))}";

        // Strong: posted a moment ago, all visible on the first read.
        var first = await stack.GetJsonAsync($"{Reads.Sessions}?{range}&page_size=10&consistency=strong");
        Assert.Equal(25, first.GetProperty("total").GetInt64());
        Assert.Equal(1, first.GetProperty("page").GetInt32());
        Assert.Equal(Enumerable.Range(15, 10).Reverse().Select(Id), Reads.Ids(first, "session_id"));
        Assert.NotEqual(JsonValueKind.Null, first.GetProperty("next_cursor").ValueKind);

        var third = await stack.GetJsonAsync($"{Reads.Sessions}?{range}&page_size=10&page=3");
        Assert.Equal(Enumerable.Range(0, 5).Reverse().Select(Id), Reads.Ids(third, "session_id"));
        Assert.Equal(JsonValueKind.Null, third.GetProperty("next_cursor").ValueKind);

        // Keyset: seven at a time, every session once, newest first.
        Assert.Equal(Enumerable.Range(0, 25).Reverse().Select(Id), await stack.WalkAsync($"{Reads.Sessions}?{range}&page_size=7", "session_id"));

        // Several statuses, repeated or comma-separated: merged in order, across pages.
        var pendingOrCompleted = Enumerable.Range(0, 25).Reverse().Where(i => i % 5 is 0 or 2).Select(Id).ToList();
        Assert.Equal(pendingOrCompleted, await stack.WalkAsync($"{Reads.Sessions}?{range}&status=pending&status=completed&page_size=3", "session_id"));
        var comma = await stack.GetJsonAsync($"{Reads.Sessions}?{range}&status=pending,completed&page_size=4&page=2");
        Assert.Equal(10, comma.GetProperty("total").GetInt64());
        Assert.Equal(pendingOrCompleted.Skip(4).Take(4), Reads.Ids(comma, "session_id"));

        // updated_at ascending, and from/to now apply to updated_at: the window's first 40 minutes hold sessions 20-24.
        var byUpdate = await stack.GetJsonAsync(
            $"{Reads.Sessions}?from={Reads.Q(window)}&to={Reads.Q(window.AddMinutes(41))}&sort=updated_at&order=asc");
        Assert.Equal(Enumerable.Range(20, 5).Reverse().Select(Id), Reads.Ids(byUpdate, "session_id"));
        Assert.Equal(
            Enumerable.Range(0, 25).Reverse().Select(Id),
            await stack.WalkAsync($"{Reads.Sessions}?from={Reads.Q(window)}&to={Reads.Q(window.AddDays(1))}&sort=updated_at&order=asc&page_size=6", "session_id"));

        // Language filters.
        var german = await stack.GetJsonAsync($"{Reads.Sessions}?{range}&source_lang=de&page_size=200");
        Assert.Equal(13, german.GetProperty("total").GetInt64());
        var french = await stack.GetJsonAsync($"{Reads.Sessions}?{range}&target_lang=fr&status=processing&page_size=200");
        Assert.Equal(Enumerable.Range(0, 25).Reverse().Where(i => i % 2 == 0 && i % 5 == 1).Select(Id), Reads.Ids(french, "session_id"));
    }

    [Fact]
    public async Task Sessions_sharing_a_timestamp_are_paged_by_id_without_loss_or_repeat()
    {
        var prefix = Records.Prefix();
        var window = Reads.Window();
        var ids = Enumerable.Range(0, 9).Select(i => $"{prefix}-s{i}").ToList();
        await Reads.AcceptedAsync(stack.PostSessionsAsync(ids.Select(id => Reads.Session(id, "processing", window, window))));
        var range = $"from={Reads.Q(window)}&to={Reads.Q(window.AddMinutes(1))}";
        await stack.FlushAsync();

        Assert.Equal(ids.Order(StringComparer.Ordinal).Reverse(), await stack.WalkAsync($"{Reads.Sessions}?{range}&page_size=2", "session_id"));
        Assert.Equal(ids.Order(StringComparer.Ordinal), await stack.WalkAsync($"{Reads.Sessions}?{range}&order=asc&page_size=4", "session_id"));
        Assert.Equal(
            ids.Order(StringComparer.Ordinal),
            await stack.WalkAsync($"{Reads.Sessions}?{range}&status=processing,pending&order=asc&page_size=2", "session_id"));
    }

    [Fact]
    public async Task Session_detail_counts_tasks_by_status_and_tasks_page_by_cursor_with_filters()
    {
        var prefix = Records.Prefix();
        var session = $"{prefix}-s";
        var now = DateTimeOffset.UtcNow;
        await Reads.AcceptedAsync(stack.PostSessionsAsync([Reads.Session(session, "processing", now, now, totalTasks: 12)]));
        string[] statuses = ["completed", "completed", "completed", "completed", "failed", "pending", "pending", "pending", "processing", "processing"];
        var tasks = statuses.Select((status, i) => Reads.Task(
            $"{prefix}-t{Reads.N(i)}", session, status, targetLang: i % 2 == 0 ? "fr" : "de", batchId: i < 5 ? $"{prefix}-b1" : $"{prefix}-b2")).ToList();
        await Reads.AcceptedAsync(stack.PostTasksAsync(tasks));

        var detail = await stack.GetJsonAsync($"{Reads.Sessions}/{session}?consistency=strong");
        Assert.Equal("processing", detail.GetProperty("status").GetString());
        Assert.Equal("it", detail.GetProperty("metadata").GetProperty("project").GetString());
        var stats = detail.GetProperty("tasks");
        Assert.Equal(10, stats.GetProperty("total").GetInt64());
        Assert.Equal(4, stats.GetProperty("by_status").GetProperty("completed").GetInt64());
        Assert.Equal(1, stats.GetProperty("by_status").GetProperty("failed").GetInt64());
        Assert.Equal(3, stats.GetProperty("by_status").GetProperty("pending").GetInt64());
        Assert.Equal(2, stats.GetProperty("by_status").GetProperty("processing").GetInt64());
        Assert.Equal(0, stats.GetProperty("by_status").GetProperty("cancelled").GetInt64());
        // Five finished out of the twelve the session announced (only ten reported so far).
        Assert.Equal(Math.Round(5 / 12.0, 4), stats.GetProperty("progress").GetDouble());

        string T(int i) => $"{prefix}-t{Reads.N(i)}";
        var tasksPath = $"{Reads.Sessions}/{session}/tasks";
        Assert.Equal(Enumerable.Range(0, 10).Select(T), await stack.WalkAsync($"{tasksPath}?page_size=3", "task_id"));
        Assert.Equal([T(5), T(6), T(7), T(8), T(9)], await stack.WalkAsync($"{tasksPath}?status=pending,processing&page_size=2", "task_id"));
        Assert.Equal([T(0), T(2), T(4)], await stack.WalkAsync($"{tasksPath}?batch_id={prefix}-b1&target_lang=fr", "task_id"));
        Assert.Equal([T(4)], await stack.WalkAsync($"{tasksPath}?status=failed", "task_id"));

        var task = await stack.GetJsonAsync($"{ApiRoutes.Translation.Tasks}/{T(3)}");
        Assert.Equal("completed", task.GetProperty("status").GetString());
        Assert.Equal($"你好 {T(3)}", task.GetProperty("translated_text").GetString());
        Assert.Equal(T(3), task.GetProperty("metadata").GetProperty("id").GetString());
    }

    [Fact]
    public async Task Unknown_sessions_and_tasks_are_404_problems()
    {
        var missing = Records.Prefix() + "-missing";
        foreach (var path in new[] { $"{Reads.Sessions}/{missing}", $"{Reads.Sessions}/{missing}/tasks", $"{ApiRoutes.Translation.Tasks}/{missing}" })
        {
            using var response = await stack.Gateway.GetAsync(path);
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }

        using var restore = await stack.Gateway.PostAsync($"{ApiRoutes.Translation.Restore}/{missing}", null);
        Assert.Equal(HttpStatusCode.NotFound, restore.StatusCode);
    }

    [Theory]
    [InlineData(ApiRoutes.Translation.Sessions + "?status=exploded", "status")]
    [InlineData(ApiRoutes.Translation.Sessions + "?from=yesterday", "from")]
    [InlineData(ApiRoutes.Translation.Sessions + "?from=2026-01-01T00:00:00", "from")]
    [InlineData(ApiRoutes.Translation.Sessions + "?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z", "to")]
    [InlineData(ApiRoutes.Translation.Sessions + "?sort=status", "sort")]
    [InlineData(ApiRoutes.Translation.Sessions + "?order=sideways", "order")]
    [InlineData(ApiRoutes.Translation.Sessions + "?page=0", "page")]
    [InlineData(ApiRoutes.Translation.Sessions + "?page_size=201", "page_size")]
    [InlineData(ApiRoutes.Translation.Sessions + "?page=99999", "page")]
    [InlineData(ApiRoutes.Translation.Sessions + "?cursor=not-a-cursor", "cursor")]
    [InlineData(ApiRoutes.Translation.Sessions + "?source_lang=en%27%20OR%201%3D1", "source_lang")]
    [InlineData(ApiRoutes.Translation.Sessions + "?consistency=linearizable", "consistency")]
    [InlineData(ApiRoutes.Translation.Sessions + "?target_lang=fr", "target_lang")]
    [InlineData(ApiRoutes.Translation.Sessions + "?pagesize=5", "pagesize")]
    [InlineData(ApiRoutes.Translation.Sessions + "/x/tasks?status=paused", "status")]
    [InlineData(ApiRoutes.Translation.Tasks + "/x?consistency=", "consistency")]
    [InlineData(ApiRoutes.Translation.IncompleteSessions + "?status=pending", "status")]
    public async Task Invalid_parameters_get_400_naming_the_parameter(string path, string parameter)
    {
        using var response = await stack.Gateway.GetAsync(path);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var fields = JsonDocument.Parse(body).RootElement.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("field").GetString());
        Assert.Contains(parameter, fields);
    }

    [Fact]
    public async Task A_cursor_from_another_sort_order_is_refused()
    {
        var cursor = new PageCursor(new PageOrder("updated_at", Descending: true), 0, "s-1").Encode();
        var problem = await stack.GetJsonAsync($"{Reads.Sessions}?page_size=1&cursor={cursor}", HttpStatusCode.BadRequest);
        Assert.Equal("cursor", problem.GetProperty("errors")[0].GetProperty("field").GetString());
    }

    [Fact]
    public async Task A_strong_read_right_after_202_sees_every_accepted_write_and_says_so()
    {
        var prefix = Records.Prefix();
        var session = $"{prefix}-s";
        var now = DateTimeOffset.UtcNow;
        await Reads.AcceptedAsync(stack.PostSessionsAsync([Reads.Session(session, "processing", now, now)]));
        await Reads.AcceptedAsync(stack.PostTasksAsync(Enumerable.Range(0, 3000).Select(i => Reads.Task($"{prefix}-t{i}", session, "pending"))));

        using var response = await stack.Gateway.GetAsync($"{Reads.Sessions}/{session}?consistency=strong");
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        Assert.Equal("strong", Assert.Single(response.Headers.GetValues("X-Consistency")));
        Assert.Equal(3000, JsonDocument.Parse(body).RootElement.GetProperty("tasks").GetProperty("total").GetInt64());

        using var eventual = await stack.Gateway.GetAsync($"{Reads.Sessions}/{session}");
        Assert.Equal("eventual", Assert.Single(eventual.Headers.GetValues("X-Consistency")));
        Assert.True(long.Parse(Assert.Single(eventual.Headers.GetValues("X-Flush-Lag-Entries")), System.Globalization.CultureInfo.InvariantCulture) >= 0);
        Assert.True(long.Parse(Assert.Single(eventual.Headers.GetValues("X-Flush-Lag-Ms")), System.Globalization.CultureInfo.InvariantCulture) >= 0);
    }
}

[Collection(StackDefinition.Name)]
public sealed class QueryTestsOnMySql(StackFixture stack) : QueryTests(stack);

[Collection(PostgresStackDefinition.Name)]
public sealed class QueryTestsOnPostgres(PostgresStackFixture stack) : QueryTests(stack);
