using System.Text.Json;
using Persistence.Contracts;
using StackExchange.Redis;

namespace Integration.Tests.Client;

/// <summary>Valid task records dead-lettered the way the worker does it, for a cause that is gone.</summary>
public static class DeadLetteredTasks
{
    public static async Task<List<string>> AddAsync(string redisConnectionString, string prefix, int count)
    {
        await using var redis = await ConnectionMultiplexer.ConnectAsync(redisConnectionString);
        var ids = new List<string>();
        for (var i = 0; i < count; i++)
        {
            var record = TypedRecords.Task($"{prefix}-t{i}", $"{prefix}-s", "pending", Records.Created, Records.Created);
            ids.Add((await redis.GetDatabase().StreamAddAsync(PersistenceStreams.DeadLetters,
            [
                new(PersistenceStreams.Fields.SourceStream, PersistenceStreams.Tasks),
                new(PersistenceStreams.Fields.SourceId, $"1-{i}"),
                new(PersistenceStreams.Fields.Reason, "client test"),
                new(PersistenceStreams.Fields.Deliveries, 1),
                new(PersistenceStreams.Fields.DeadLetteredAt, DateTimeOffset.UtcNow.ToString("O")),
                new(PersistenceStreams.Fields.Record, JsonSerializer.Serialize(record, PersistenceJsonContext.Default.TaskRecord)),
            ])).ToString());
        }

        return ids;
    }
}
