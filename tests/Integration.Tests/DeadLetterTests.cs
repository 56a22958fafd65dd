using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Persistence.Contracts;
using StackExchange.Redis;

namespace Integration.Tests;

/// <summary>Operators can see why records were dead-lettered, send them back once the cause is gone, or discard them.</summary>
[Collection(StackDefinition.Name)]
public sealed class DeadLetterTests(StackFixture stack)
{
    private const string DeadLetters = ApiRoutes.Persistence.DeadLetters;

    [Fact]
    public async Task Dead_letters_are_listed_replayed_one_by_one_or_all_and_deleted()
    {
        var prefix = Records.Prefix();
        await using var redis = await ConnectionMultiplexer.ConnectAsync(stack.RedisConnectionString);
        var database = redis.GetDatabase();
        // Valid records dead-lettered for a cause now gone (they had crashed workers, say), written as the worker does.
        var ids = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            ids.Add((await database.StreamAddAsync(PersistenceStreams.DeadLetters,
            [
                new(PersistenceStreams.Fields.SourceStream, PersistenceStreams.Tasks),
                new(PersistenceStreams.Fields.SourceId, $"1-{i}"),
                new(PersistenceStreams.Fields.Reason, "Delivered 21 times without a commit; it may crash workers."),
                new(PersistenceStreams.Fields.Deliveries, 21),
                new(PersistenceStreams.Fields.DeadLetteredAt, DateTimeOffset.UtcNow.ToString("O")),
                new(PersistenceStreams.Fields.Record, JsonSerializer.Serialize(Records.Task($"{prefix}-t{i}", $"{prefix}-s"))),
                new(PersistenceStreams.Fields.Caller, "dev"),
            ])).ToString());
        }

        var listed = await ListAllAsync();
        var ours = listed.Where(e => ids.Contains(e.GetProperty("id").GetString()!)).ToList();
        Assert.Equal(4, ours.Count);
        Assert.All(ours, e =>
        {
            Assert.Equal(PersistenceStreams.Tasks, e.GetProperty("source_stream").GetString());
            Assert.Equal(21, e.GetProperty("deliveries").GetInt64());
            Assert.StartsWith("Delivered 21 times", e.GetProperty("reason").GetString(), StringComparison.Ordinal);
            Assert.StartsWith(prefix, e.GetProperty("record").GetProperty("task_id").GetString(), StringComparison.Ordinal);
        });

        using (var one = await stack.Gateway.GetAsync($"{DeadLetters}/{ids[0]}"))
        {
            Assert.Equal(HttpStatusCode.OK, one.StatusCode);
        }

        using (var replayed = await stack.Gateway.PostAsync($"{DeadLetters}/{ids[0]}/replay", null))
        {
            Assert.Equal(HttpStatusCode.OK, replayed.StatusCode);
        }

        using (var again = await stack.Gateway.PostAsync($"{DeadLetters}/{ids[0]}/replay", null))
        {
            Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
        }

        using (var deleted = await stack.Gateway.DeleteAsync($"{DeadLetters}/{ids[3]}"))
        {
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        }

        using (var all = await stack.Gateway.PostAsync($"{DeadLetters}/replay-all", null))
        {
            Assert.Equal(HttpStatusCode.OK, all.StatusCode);
            Assert.True((await all.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("replayed").GetInt64() >= 2);
        }

        await stack.FlushAsync();
        await using var db = stack.OpenDatabase();
        Assert.Equal(3, await Rows.CountAsync(db, "translation_tasks", "task_id", prefix));
        Assert.DoesNotContain(await ListAllAsync(), e => ids.Contains(e.GetProperty("id").GetString()!));
    }

    [Theory]
    [InlineData("?page_size=0", "page_size")]
    [InlineData("?cursor=yesterday", "cursor")]
    [InlineData("/not-an-id/replay", "id")]
    public async Task Bad_parameters_are_400_naming_the_parameter(string path, string parameter)
    {
        using var response = path.EndsWith("/replay", StringComparison.Ordinal)
            ? await stack.Gateway.PostAsync(DeadLetters + path, null)
            : await stack.Gateway.GetAsync(DeadLetters + path);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(parameter, problem.GetProperty("errors")[0].GetProperty("field").GetString());
    }

    [Fact]
    public async Task Only_admin_keys_see_dead_letters()
    {
        var key = await new ApiKeyFile(stack).AddAsync($"ingest-dl-{Records.Prefix()}", [Scopes.Ingest, Scopes.Read]);
        using var client = stack.CreateClient(key);

        using var response = await client.GetAsync(DeadLetters);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    private async Task<List<JsonElement>> ListAllAsync()
    {
        var all = new List<JsonElement>();
        string? cursor = null;
        do
        {
            var page = await stack.Gateway.GetFromJsonAsync<JsonElement>($"{DeadLetters}?page_size=100" + (cursor is null ? "" : $"&cursor={cursor}"));
            all.AddRange(page.GetProperty("items").EnumerateArray());
            cursor = page.GetProperty("next_cursor").GetString();
        }
        while (cursor is not null);

        return all;
    }
}
