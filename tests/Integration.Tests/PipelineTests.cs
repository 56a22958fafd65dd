using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Data.Common;
using Persistence.Contracts;
using StackExchange.Redis;

namespace Integration.Tests;

/// <summary>Everything goes through the gateway; the database is read directly to see what really landed.</summary>
public abstract class PipelineTests(StackFixture stack)
{
    [Fact]
    public async Task A_batch_lands_in_the_database_exactly_once_with_its_content()
    {
        var prefix = Records.Prefix();
        var tasks = Records.Tasks(prefix, 500);

        using var response = await stack.PostTasksAsync(tasks);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("accepted", body.GetProperty("status").GetString());
        Assert.Equal(500, body.GetProperty("count").GetInt32());

        await stack.FlushAsync();

        await using var db = stack.OpenStorage();
        Assert.Equal(500, await Rows.CountAsync(db, "translation_tasks", "task_id", prefix));
        await using var command = StorageSql.Command(
            db, "SELECT session_id, status, source_text, metadata, updated_at FROM translation_tasks WHERE task_id = @id", ("@id", $"{prefix}-t123"));
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        Assert.Equal($"{prefix}-s1", reader.GetString(0));
        Assert.Equal("pending", reader.GetString(1));
        Assert.Equal($"Hello {prefix}-t123", reader.GetString(2));
        Assert.Equal(JsonSerializer.Serialize(new { n = $"{prefix}-t123".Length }), reader.GetString(3));
        Assert.Equal(Records.Created.AddSeconds(1).UtcDateTime, reader.GetDateTime(4));
    }

    [Fact]
    public async Task The_same_batch_posted_twice_leaves_one_copy()
    {
        var prefix = Records.Prefix();
        var tasks = Records.Tasks(prefix, 300);

        using (var first = await stack.PostTasksAsync(tasks))
        using (var second = await stack.PostTasksAsync(tasks))
        {
            Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
            Assert.Equal(HttpStatusCode.Accepted, second.StatusCode);
        }

        await stack.FlushAsync();

        await using var db = stack.OpenStorage();
        Assert.Equal(300, await Rows.CountAsync(db, "translation_tasks", "task_id", prefix));
        Assert.Equal(300, await CountDistinctAsync(db, prefix));
    }

    [Fact]
    public async Task An_older_update_after_a_newer_one_leaves_the_newer()
    {
        var prefix = Records.Prefix();
        var session = $"{prefix}-session";
        var task = $"{prefix}-task";

        // Newest state first, in its own flush so both orders of arrival at the worker are covered.
        await PostAcceptedAsync(stack.PostSessionsAsync([Records.Session(session, "completed", secondsAfterCreation: 60)]));
        await PostAcceptedAsync(stack.PostTasksAsync([Records.Task(task, session, "completed", secondsAfterCreation: 60, translated: "你好")]));
        await stack.FlushAsync();
        await PostAcceptedAsync(stack.PostSessionsAsync([Records.Session(session, "processing", secondsAfterCreation: 30)]));
        await PostAcceptedAsync(stack.PostTasksAsync(
        [
            Records.Task(task, session, "processing", secondsAfterCreation: 30),
            Records.Task(task, session, "pending", secondsAfterCreation: 1),
        ]));
        await stack.FlushAsync();

        await using var db = stack.OpenStorage();
        Assert.Equal(("completed", 10), await ReadSessionAsync(db, session));
        Assert.Equal(("completed", "你好"), await ReadTaskAsync(db, task));
    }

    [Fact]
    public async Task An_invalid_batch_gets_400_naming_item_and_field_and_nothing_of_it_is_stored()
    {
        var prefix = Records.Prefix();
        var tasks = Records.Tasks(prefix, 4);
        tasks[2]["status"] = "exploded";
        tasks[3].Remove("updated_at");

        using var response = await stack.PostTasksAsync(tasks);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        var errors = problem.GetProperty("errors").EnumerateArray()
            .Select(e => (e.GetProperty("index").GetInt32(), e.GetProperty("field").GetString()))
            .ToList();
        Assert.Contains((2, "status"), errors);
        Assert.Contains((3, "updated_at"), errors);

        await stack.FlushAsync();
        await using var db = stack.OpenStorage();
        Assert.Equal(0, await Rows.CountAsync(db, "translation_tasks", "task_id", prefix));
    }

    [Fact]
    public async Task Malformed_json_and_oversize_batches_are_client_errors()
    {
        using var malformed = await stack.Gateway.PostAsync(
            ApiRoutes.Persistence.TasksBatch, new StringContent("{\"tasks\":[{\"task_id\":", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);

        using var tooMany = await stack.PostTasksAsync(Records.Tasks(Records.Prefix(), 5001));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooMany.StatusCode);
    }

    [Fact]
    public async Task Flush_returns_only_once_every_accepted_record_is_queryable()
    {
        var prefix = Records.Prefix();
        for (var batch = 0; batch < 4; batch++)
        {
            await PostAcceptedAsync(stack.PostTasksAsync(Records.Tasks(prefix, 1000, offset: batch * 1000)));
        }

        await stack.FlushAsync();

        // No waiting after the barrier: the rows must already be there.
        await using var db = stack.OpenStorage();
        Assert.Equal(4000, await Rows.CountAsync(db, "translation_tasks", "task_id", prefix));
    }

    [Fact]
    public async Task Stats_report_the_streams_and_flushed_totals()
    {
        await PostAcceptedAsync(stack.PostTasksAsync(Records.Tasks(Records.Prefix(), 10)));
        await stack.FlushAsync();

        var stats = await stack.Gateway.GetFromJsonAsync<JsonElement>(ApiRoutes.Persistence.Stats);
        var shards = stats.GetProperty("streams").EnumerateArray()
            .Where(s => s.GetProperty("stream").GetString()!.EndsWith(":tasks", StringComparison.Ordinal))
            .ToList();
        Assert.Equal((await stack.ShardsAsync(PersistenceStreams.Tasks)).Count, shards.Count);
        Assert.All(shards, shard =>
        {
            Assert.Equal(0, shard.GetProperty("pending").GetInt64());
            // One reader per shard (its lease holder) and the standby flushers that registered when they started or
            // took something over; a consumer whose worker stopped leaves the group once it holds nothing.
            Assert.InRange(shard.GetProperty("consumers").GetInt32(), 1, StackFixture.Workers * StackFixture.FlushersPerStream);
        });
        Assert.True(shards.Sum(s => s.GetProperty("flushed_total").GetInt64()) >= 10);
        Assert.Contains(shards, s => s.GetProperty("last_flush_at").ValueKind != JsonValueKind.Null);
    }

    [Fact]
    public async Task A_record_the_database_rejects_is_dead_lettered_with_its_reason_and_the_rest_of_its_batch_lands()
    {
        // The API would refuse these; write them straight to the stream, as a buggy or newer producer might.
        var prefix = Records.Prefix();
        await using var redis = await ConnectionMultiplexer.ConnectAsync(stack.RedisConnectionString);
        var database = redis.GetDatabase();
        // All into one shard, so that one batch holds the refused row beside the good ones.
        var shard = (await stack.ShardsAsync(PersistenceStreams.Tasks))[0];
        // Held until the flush waits, so the refused row is dead-lettered while it does.
        var tableLock = await TableLock.TakeAsync(stack, "translation_tasks");
        var batch = database.CreateBatch();
        var appends = new List<Task<RedisValue>>();
        for (var i = 0; i < 9; i++)
        {
            var record = JsonSerializer.Serialize(Records.Task($"{prefix}-t{i}", $"{prefix}-s"));
            if (i == 4)
            {
                // Longer than the status column: MySQL refuses it in strict mode, PostgreSQL always.
                record = record.Replace("\"pending\"", "\"" + new string('p', 40) + "\"", StringComparison.Ordinal);
            }

            appends.Add(batch.StreamAddAsync(shard, PersistenceStreams.Fields.Record, record));
        }

        appends.Add(batch.StreamAddAsync(shard, PersistenceStreams.Fields.Record, "{not json"));
        batch.Execute();
        var ids = (await Task.WhenAll(appends)).Select(id => id.ToString()).ToList();

        var flushing = stack.Gateway.PostAsync(ApiRoutes.Persistence.Flush + "?timeout_ms=60000", null);
        await Task.Delay(500);
        await tableLock.DisposeAsync();
        using var flushed = await flushing;
        var flush = await flushed.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(HttpStatusCode.OK, flushed.StatusCode);
        // "Flushed" counts the dead letters as done, and says how many there are.
        Assert.InRange(flush.GetProperty("dead_lettered").GetInt64(), 1, 2);
        Assert.True(flush.GetProperty("dead_letters_stored").GetInt64() >= 2, flush.ToString());

        await using var db = stack.OpenStorage();
        Assert.Equal(8, await Rows.CountAsync(db, "translation_tasks", "task_id", prefix));
        var deadLetters = await database.StreamRangeAsync(PersistenceStreams.DeadLetters, "-", "+");
        var ours = deadLetters.Where(e => ids.Contains(e[PersistenceStreams.Fields.SourceId].ToString())).ToList();
        Assert.Equal(2, ours.Count);
        Assert.Contains(ours, e => e[PersistenceStreams.Fields.SourceId] == ids[4] && e[PersistenceStreams.Fields.Reason].ToString().Contains($"{stack.DatabaseProduct} rejected", StringComparison.Ordinal));
        Assert.Contains(ours, e => e[PersistenceStreams.Fields.SourceId] == ids[9] && e[PersistenceStreams.Fields.Reason].ToString().Contains("not valid JSON", StringComparison.Ordinal));
        Assert.All(ours, e => Assert.False(e[PersistenceStreams.Fields.Record].IsNullOrEmpty));
    }

    private static async Task PostAcceptedAsync(Task<HttpResponseMessage> post)
    {
        using var response = await post;
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
    }

    private static Task<long> CountDistinctAsync(DbConnection db, string prefix) => StorageSql.CountAsync(
        db,
        "SELECT COUNT(*) FROM (SELECT DISTINCT task_id, status, source_text, updated_at FROM translation_tasks WHERE task_id LIKE CONCAT(@prefix, '-%')) AS distinct_rows",
        ("@prefix", prefix));

    private static async Task<(string Status, int Completed)> ReadSessionAsync(DbConnection db, string id)
    {
        await using var command = StorageSql.Command(db, "SELECT status, completed_tasks FROM translation_sessions WHERE session_id = @id", ("@id", id));
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync(), $"session {id} is missing");
        return (reader.GetString(0), reader.GetInt32(1));
    }

    private static async Task<(string Status, string? Translated)> ReadTaskAsync(DbConnection db, string id)
    {
        await using var command = StorageSql.Command(db, "SELECT status, translated_text FROM translation_tasks WHERE task_id = @id", ("@id", id));
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync(), $"task {id} is missing");
        return (reader.GetString(0), await reader.IsDBNullAsync(1) ? null : reader.GetString(1));
    }
}

[Collection(StackDefinition.Name)]
public sealed class PipelineTestsOnMySql(StackFixture stack) : PipelineTests(stack);

[Collection(PostgresStackDefinition.Name)]
public sealed class PipelineTestsOnPostgres(PostgresStackFixture stack) : PipelineTests(stack);
