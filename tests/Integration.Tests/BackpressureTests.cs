using System.Net;
using System.Net.Http.Json;
using StackExchange.Redis;

namespace Integration.Tests;

/// <summary>The API sheds load instead of letting Redis grow without bound, and recovers by itself.</summary>
[Collection(StackDefinition.Name)]
public sealed class BackpressureTests(StackFixture stack)
{
    [Fact]
    public async Task A_stalled_database_trips_the_high_water_mark_then_ingest_recovers_and_nothing_is_lost()
    {
        var prefix = Records.Prefix();
        var accepted = 0;
        HttpResponseMessage? refused = null;

        // A held write lock stalls every flush, as a slow or hung MySQL would.
        await using (await TableLock.TakeAsync(stack, "translation_tasks"))
        {
            for (var batch = 0; batch < 20 && refused is null; batch++)
            {
                var response = await stack.PostTasksAsync(Records.Tasks(prefix, 5000, offset: batch * 5000));
                if (response.StatusCode == HttpStatusCode.Accepted)
                {
                    accepted += 5000;
                    response.Dispose();
                    // Give the monitor one measurement interval, as steady traffic would.
                    await Task.Delay(150);
                }
                else
                {
                    refused = response;
                }
            }

            Assert.NotNull(refused);
            using (refused)
            {
                Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
                Assert.NotNull(refused.Headers.RetryAfter);
                Assert.Contains("high-water", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            }

            Assert.InRange(accepted, StackFixture.BackpressureHighWater, StackFixture.BackpressureHighWater + 10_000);
        }

        // Below the low-water mark the API takes batches again without anyone intervening.
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (true)
        {
            using var response = await stack.PostTasksAsync(Records.Tasks(prefix, 10, offset: 100_000));
            if (response.StatusCode == HttpStatusCode.Accepted)
            {
                accepted += 10;
                break;
            }

            Assert.True(DateTime.UtcNow < deadline, $"Ingest did not reopen: {(int)response.StatusCode}\n{stack.LogTail()}");
            await Task.Delay(response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1));
        }

        await stack.FlushAsync(120_000);
        await using var db = stack.OpenDatabase();
        Assert.Equal(accepted, await Rows.CountAsync(db, "translation_tasks", "task_id", prefix));
    }

    [Fact]
    public async Task A_full_Redis_is_a_503_not_a_500_and_nothing_is_evicted()
    {
        var prefix = Records.Prefix();
        await using var redis = await ConnectionMultiplexer.ConnectAsync(stack.RedisConnectionString + ",allowAdmin=true");
        var server = redis.GetServer(redis.GetEndPoints()[0]);
        using (var before = await stack.PostTasksAsync(Records.Tasks(prefix, 50)))
        {
            Assert.Equal(HttpStatusCode.Accepted, before.StatusCode);
        }

        await server.ConfigSetAsync("maxmemory", "1mb");
        try
        {
            using var full = await stack.PostTasksAsync(Records.Tasks(prefix, 50, offset: 50));
            Assert.Equal(HttpStatusCode.ServiceUnavailable, full.StatusCode);
            Assert.NotNull(full.Headers.RetryAfter);
            Assert.Equal("application/problem+json", full.Content.Headers.ContentType?.MediaType);
        }
        finally
        {
            await server.ConfigSetAsync("maxmemory", "4gb");
        }

        await stack.FlushAsync();
        await using var db = stack.OpenDatabase();
        Assert.Equal(50, await Rows.CountAsync(db, "translation_tasks", "task_id", prefix));
    }
}
