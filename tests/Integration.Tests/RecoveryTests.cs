using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Persistence.Contracts;

namespace Integration.Tests;

public abstract class RecoveryTests(StackFixture stack)
{
    private const string Incomplete = ApiRoutes.Translation.IncompleteSessions;

    [Fact]
    public async Task Incomplete_sessions_are_the_unfinished_ones_newest_first()
    {
        var prefix = Records.Prefix();
        // Later than anything else in the database, so they are the first page.
        var newest = new DateTimeOffset(2099, 6, 1, 0, 0, 0, TimeSpan.Zero).AddMinutes(Random.Shared.Next(0, 100_000));
        string[] statuses = ["pending", "completed", "processing", "failed", "paused", "cancelled", "pending"];
        await Reads.AcceptedAsync(stack.PostSessionsAsync(
            statuses.Select((status, i) => Reads.Session($"{prefix}-s{i}", status, newest.AddSeconds(i), newest.AddSeconds(i)))));

        var first = await stack.GetJsonAsync($"{Incomplete}?page_size=2&consistency=strong");
        var ids = Reads.Ids(first, "session_id");
        var cursor = first.GetProperty("next_cursor").GetString();
        var second = await stack.GetJsonAsync($"{Incomplete}?page_size=2&cursor={cursor}");
        ids.AddRange(Reads.Ids(second, "session_id"));

        Assert.Equal([$"{prefix}-s6", $"{prefix}-s4", $"{prefix}-s2", $"{prefix}-s0"], ids);
        Assert.Equal(JsonValueKind.Null, first.GetProperty("total").ValueKind);
    }

    [Fact]
    public async Task Restore_streams_the_session_and_all_its_unfinished_tasks_with_the_flush_position()
    {
        var prefix = Records.Prefix();
        var session = $"{prefix}-s";
        var now = DateTimeOffset.UtcNow;
        const int Tasks = 5000;
        var text = new string('x', 300);
        await Reads.AcceptedAsync(stack.PostSessionsAsync([Reads.Session(session, "processing", now, now, totalTasks: Tasks)]));
        var statuses = new[] { "pending", "processing", "completed", "failed", "pending" };
        await Reads.AcceptedAsync(stack.PostTasksAsync(
            Enumerable.Range(0, Tasks).Select(i => Reads.Task($"{prefix}-t{i}", session, statuses[i % 5], text: text + i))));

        var watch = Stopwatch.StartNew();
        using var response = await stack.Gateway.PostAsync($"{ApiRoutes.Translation.Restore}/{session}?consistency=strong", null);
        var body = await response.Content.ReadAsStringAsync();
        watch.Stop();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        Assert.Equal("strong", Assert.Single(response.Headers.GetValues("X-Consistency")));

        var package = JsonDocument.Parse(body).RootElement;
        Assert.True(package.GetProperty("complete").GetBoolean());
        Assert.Equal("processing", package.GetProperty("session").GetProperty("status").GetString());
        var restored = package.GetProperty("tasks").EnumerateArray().ToList();
        Assert.Equal(3000, package.GetProperty("task_count").GetInt64());
        Assert.Equal(3000, restored.Count);
        Assert.All(restored, t => Assert.Contains(t.GetProperty("status").GetString(), new[] { "pending", "processing" }));
        Assert.Equal(3000, restored.Select(t => t.GetProperty("task_id").GetString()).Distinct().Count());
        var one = restored.Single(t => t.GetProperty("task_id").GetString() == $"{prefix}-t6");
        Assert.Equal(text + 6, one.GetProperty("source_text").GetString());
        Assert.Equal($"{prefix}-t6", one.GetProperty("metadata").GetProperty("id").GetString());

        var position = package.GetProperty("flush_position").EnumerateArray().ToList();
        var streams = (await stack.ShardsAsync(PersistenceStreams.Sessions)).Count + (await stack.ShardsAsync(PersistenceStreams.Tasks)).Count + 2;
        Assert.Equal(streams, position.Count);
        Assert.All(position, p => Assert.False(string.IsNullOrEmpty(p.GetProperty("last_generated_id").GetString())));
        Console.WriteLine($"restore of {Tasks} tasks ({restored.Count} unfinished, {body.Length / 1024} KiB): {watch.ElapsedMilliseconds} ms");
    }
}

[Collection(StackDefinition.Name)]
public sealed class RecoveryTestsOnMySql(StackFixture stack) : RecoveryTests(stack);

[Collection(PostgresStackDefinition.Name)]
public sealed class RecoveryTestsOnPostgres(PostgresStackFixture stack) : RecoveryTests(stack);
