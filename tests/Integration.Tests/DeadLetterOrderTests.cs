using System.Net;
using System.Text.Json;
using MySqlConnector;
using Persistence.Contracts;
using StackExchange.Redis;

namespace Integration.Tests;

/// <summary>A replayed dead letter keeps its place in the order of arrival, so it cannot outrank what came after it.</summary>
[Collection(StackDefinition.Name)]
public sealed class DeadLetterOrderTests(StackFixture stack)
{
    [Fact]
    public async Task A_replay_does_not_outrank_a_newer_state_with_the_same_updated_at()
    {
        var prefix = Records.Prefix();
        var older = Records.Task($"{prefix}-t0", $"{prefix}-s0", status: "failed");
        var newer = Records.Task($"{prefix}-t0", $"{prefix}-s0", status: "completed", translated: "done");
        await using var redis = await ConnectionMultiplexer.ConnectAsync(stack.RedisConnectionString);
        // The older state arrived first (its original entry id is older than anything the API appends now) and was
        // dead-lettered; the newer one, with the same updated_at, arrives and is committed after it.
        var letter = await redis.GetDatabase().StreamAddAsync(PersistenceStreams.DeadLetters,
        [
            new(PersistenceStreams.Fields.SourceStream, PersistenceStreams.Tasks),
            new(PersistenceStreams.Fields.SourceId, "1-0"),
            new(PersistenceStreams.Fields.Reason, "Refused by MySQL at the time."),
            new(PersistenceStreams.Fields.Deliveries, 1),
            new(PersistenceStreams.Fields.DeadLetteredAt, DateTimeOffset.UtcNow.ToString("O")),
            new(PersistenceStreams.Fields.Record, JsonSerializer.Serialize(older)),
        ]);
        using (var posted = await stack.PostTasksAsync([newer]))
        {
            Assert.Equal(HttpStatusCode.Accepted, posted.StatusCode);
        }

        await stack.FlushAsync();

        using (var replayed = await stack.Gateway.PostAsync($"{ApiRoutes.Persistence.DeadLetters}/{letter}/replay", null))
        {
            Assert.Equal(HttpStatusCode.OK, replayed.StatusCode);
        }

        await stack.FlushAsync();
        await using var db = stack.OpenDatabase();
        await using var command = new MySqlCommand("SELECT status FROM translation_tasks WHERE task_id = @id", db);
        command.Parameters.AddWithValue("@id", $"{prefix}-t0");
        Assert.Equal("completed", await command.ExecuteScalarAsync());
    }
}
