using System.Net;
using Persistence.Contracts;

namespace Integration.Tests;

/// <summary>A crashed or stopped process costs no accepted record; these tests kill and stop processes, so they have a stack of their own.</summary>
[Collection(IsolatedStackDefinition.Name)]
public sealed class CrashTests(IsolatedStackFixture stack)
{
    [Fact]
    public async Task A_worker_killed_mid_stream_loses_nothing()
    {
        var prefix = Records.Prefix();
        var victim = stack.Stack.Workers[0];
        var survivor = stack.Stack.Workers[1];
        const int total = 20_000;

        // Stop the survivor so the victim alone is writing when it dies, then queue the whole load.
        await stack.Stack.StopResourceAsync(survivor);
        for (var batch = 0; batch < total / 2000; batch++)
        {
            await PostAcceptedAsync(stack.PostTasksAsync(Records.Tasks(prefix, 2000, offset: batch * 2000)));
        }

        await using var db = stack.OpenDatabase();
        var landedBeforeKill = await WaitForAsync(async () => await Rows.CountAsync(db, "translation_tasks", "task_id", prefix), n => n > 0);
        var killed = await stack.Stack.KillAsync(victim);
        var landedAtKill = await Rows.CountAsync(db, "translation_tasks", "task_id", prefix);
        Assert.True(landedAtKill < total, $"The worker finished ({landedAtKill}) before it could be killed; the test proves nothing.");

        // AppHost's supervisor starts the killed worker again (a deliberate stop, the survivor's, stays stopped);
        // it comes back under its own name and resumes the entries it held, once, beside the survivor.
        var restarted = await stack.Stack.WaitForProcessIdAsync(victim, other: killed);
        Assert.NotEqual(killed, restarted);
        Assert.Contains(stack.Stack.StateOf(survivor), (string?[])["Exited", "Finished"]);
        await stack.Stack.StartResourceAsync(survivor);
        await stack.FlushAsync(timeoutMs: 120_000);
        Assert.Equal(total, await Rows.CountAsync(db, "translation_tasks", "task_id", prefix));
        Assert.True(landedBeforeKill > 0);
    }

    [Fact]
    public async Task While_Redis_is_down_batches_get_503_with_retry_after_and_nothing_is_lost()
    {
        var prefix = Records.Prefix();
        await PostAcceptedAsync(stack.PostTasksAsync(Records.Tasks(prefix, 100)));

        await stack.Stack.StopResourceAsync(StackResources.Redis);
        try
        {
            using var refused = await stack.PostTasksAsync(Records.Tasks(prefix, 100, offset: 100));
            Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
            Assert.NotNull(refused.Headers.RetryAfter);
            Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        }
        finally
        {
            await stack.Stack.StartResourceAsync(StackResources.Redis);
        }

        // The client does what the 503 asked: it sends the same batch again until it is accepted.
        HttpStatusCode status;
        var deadline = DateTime.UtcNow.AddSeconds(60);
        do
        {
            using var retry = await stack.PostTasksAsync(Records.Tasks(prefix, 100, offset: 100));
            status = retry.StatusCode;
            if (status != HttpStatusCode.Accepted)
            {
                Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
                await Task.Delay(200);
            }
        }
        while (status != HttpStatusCode.Accepted && DateTime.UtcNow < deadline);
        Assert.Equal(HttpStatusCode.Accepted, status);

        await stack.FlushAsync();
        await using var db = stack.OpenDatabase();
        await stack.WaitForApiReplicasAsync();
        Assert.Equal(200, await Rows.CountAsync(db, "translation_tasks", "task_id", prefix));
    }

    private static async Task PostAcceptedAsync(Task<HttpResponseMessage> post)
    {
        using var response = await post;
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
    }

    private static async Task<long> WaitForAsync(Func<Task<long>> read, Func<long, bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var value = await read();
            if (condition(value) || DateTime.UtcNow > deadline)
            {
                return value;
            }

            await Task.Delay(5);
        }
    }
}
