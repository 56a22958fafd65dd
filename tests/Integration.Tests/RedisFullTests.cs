using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Persistence.Contracts;
using StackExchange.Redis;

namespace Integration.Tests;

/// <summary>
/// A Redis at its maxmemory refuses every command that may allocate; the flush path must still acknowledge and
/// trim, or memory never falls and ingest sheds for good. The test gives Redis a maxmemory 30 MB above what it holds,
/// far below the backlog's high-water mark, so only memory makes the API shed, and puts the old limit back after.
/// </summary>
[Collection(UnsupervisedStackDefinition.Name)]
public sealed class RedisFullTests(UnsupervisedStackFixture stack)
{
    private static readonly TimeSpan HealingTime = TimeSpan.FromSeconds(60);

    private const long Headroom = 30L * 1024 * 1024;

    [Fact]
    public async Task A_Redis_filled_to_its_maxmemory_while_workers_were_down_heals_by_itself_once_they_are_back()
    {
        await using var admin = await ConnectionMultiplexer.ConnectAsync(stack.RedisConnectionString + ",allowAdmin=true");
        var server = admin.GetServers()[0];
        var limit = (await server.ConfigGetAsync("maxmemory")).Single().Value;
        await server.ConfigSetAsync("maxmemory", await UsedMemoryAsync(server) + Headroom);
        try
        {
            var prefix = Records.Prefix();
            foreach (var worker in stack.Stack.Workers)
            {
                await stack.Stack.StopResourceAsync(worker);
            }

            var posted = 0;
            var shed = false;
            for (var batch = 0; batch < 400 && !shed; batch++)
            {
                using var response = await stack.PostTasksAsync(Records.Tasks(prefix, 1000, offset: batch * 1000));
                if (response.StatusCode == HttpStatusCode.Accepted)
                {
                    posted += 1000;
                }
                else
                {
                    Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
                    shed = true;
                }
            }

            Assert.True(shed, $"Ingest never shed after {posted} records; the test proves nothing.");

            // The API sheds before Redis is full; a burst between two of its measurements, or a Redis shared with
            // something else, takes it the rest of the way. Put it there: over its maxmemory, refusing what allocates.
            await server.ConfigSetAsync("maxmemory", await UsedMemoryAsync(server) - (1024 * 1024));
            var refused = await Assert.ThrowsAsync<RedisServerException>(() => admin.GetDatabase().HashIncrementAsync(PersistenceStreams.Stats, "probe"));
            Assert.StartsWith("OOM", refused.Message, StringComparison.Ordinal);

            foreach (var worker in stack.Stack.Workers)
            {
                await stack.Stack.StartResourceAsync(worker);
            }

            // Nobody touches Redis from here on: the workers alone must bring memory down.
            var deadline = DateTime.UtcNow + HealingTime;
            var fresh = Records.Prefix();
            HttpStatusCode status;
            do
            {
                await Task.Delay(500);
                using var retry = await stack.PostTasksAsync(Records.Tasks(fresh, 100));
                status = retry.StatusCode;
            }
            while (status != HttpStatusCode.Accepted && DateTime.UtcNow < deadline);
            Assert.True(status == HttpStatusCode.Accepted, $"Ingest still answered {(int)status} {HealingTime} after the workers were back.\n{await StatsAsync()}\n{stack.LogTail()}");

            await using var db = stack.OpenDatabase();
            while (DateTime.UtcNow < deadline
                   && (await Rows.CountAsync(db, "translation_tasks", "task_id", fresh) < 100 || await PendingAsync() > 0 || await SheddingAsync()))
            {
                await Task.Delay(250);
            }

            Assert.Equal(100, await Rows.CountAsync(db, "translation_tasks", "task_id", fresh));
            Assert.Equal(posted, await Rows.CountAsync(db, "translation_tasks", "task_id", prefix));
            Assert.Equal(0, await PendingAsync());
            Assert.False(await SheddingAsync(), await StatsAsync());
        }
        finally
        {
            await server.ConfigSetAsync("maxmemory", limit);
            foreach (var worker in stack.Stack.Workers.Where(w => stack.Stack.ProcessId(w) is null))
            {
                await stack.Stack.StartResourceAsync(worker);
            }
        }
    }

    private static async Task<long> UsedMemoryAsync(IServer server) =>
        long.Parse((await server.InfoAsync("memory")).SelectMany(g => g).Single(p => p.Key == "used_memory").Value, CultureInfo.InvariantCulture);

    private async Task<string> StatsAsync() => await stack.Gateway.GetStringAsync(ApiRoutes.Persistence.Stats);

    private async Task<long> PendingAsync()
    {
        var stats = await stack.Gateway.GetFromJsonAsync<JsonElement>(ApiRoutes.Persistence.Stats);
        return stats.GetProperty("streams").EnumerateArray().Sum(s => s.GetProperty("pending").GetInt64());
    }

    private async Task<bool> SheddingAsync()
    {
        var stats = await stack.Gateway.GetFromJsonAsync<JsonElement>(ApiRoutes.Persistence.Stats);
        return stats.GetProperty("backpressure").GetProperty("shedding").GetBoolean();
    }
}
