using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Persistence.Client;

namespace Integration.Tests.Client;

/// <summary>
/// The calls that act on everything there is (replay all dead letters, collect garbage for real), on the client
/// writer tests' own stack, where they cannot disturb the shared stack's tests.
/// </summary>
[Collection(UnsupervisedStackDefinition.Name)]
public sealed class WholesaleOperationTests(UnsupervisedStackFixture stack)
{
    [Fact]
    public async Task Replay_all_puts_every_dead_letter_back_and_a_real_gc_deletes_what_ended_long_ago()
    {
        using var host = ClientHost.Build(stack.GatewayEndpoints[0], stack.ApiKey);
        await host.StartAsync();
        var client = host.Services.GetRequiredService<PersistenceClient>();
        var prefix = Records.Prefix();

        // Session and tasks ended in March 2026: past the 90 days' retention.
        var ended = Records.Created;
        await client.PersistSessionsAsync([TypedRecords.Session($"{prefix}-s", "completed", ended, ended)]);
        var ids = await DeadLetteredTasks.AddAsync(stack.RedisConnectionString, prefix, 2);

        var replayed = await client.ReplayAllDeadLettersAsync();
        Assert.True(replayed.Replayed >= 2);
        foreach (var id in ids)
        {
            Assert.Null(await client.GetDeadLetterAsync(id));
        }

        await client.FlushAllAsync(TimeSpan.FromSeconds(60));
        Assert.NotNull(await client.GetTaskAsync($"{prefix}-t1"));

        var collected = await client.CollectGarbageAsync();
        Assert.False(collected.DryRun);
        Assert.True(collected.Sessions >= 1 && collected.Tasks >= 2, $"collected {collected.Sessions} sessions, {collected.Tasks} tasks");
        Assert.Null(await client.GetSessionAsync($"{prefix}-s"));
        Assert.Null(await client.GetTaskAsync($"{prefix}-t0"));
        await host.StopAsync();
    }
}
