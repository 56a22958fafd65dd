using System.Collections.Concurrent;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Persistence.Client;
using Persistence.Client.Models;
using Persistence.Client.Writing;
using Persistence.Contracts;
using Persistence.Contracts.Queries;

namespace Integration.Tests.Client;

/// <summary>
/// The buffered writer while the platform refuses it: the gateway stopped and started again, and a key throttled to
/// 429s. Each record is written twice (pending, then completed a second later), so a resend of the older version that
/// overtook the newer one would show as a pending row: every record must arrive, exactly once, at its newest version.
/// </summary>
[Collection(UnsupervisedStackDefinition.Name)]
public sealed class BufferedWriterFailureTests(UnsupervisedStackFixture stack)
{
    private const int Tasks = 2000;

    [Fact]
    public async Task Nothing_is_lost_or_duplicated_while_the_gateway_is_stopped_and_started_again()
    {
        var prefix = Records.Prefix();
        var lost = new ConcurrentBag<UndeliveredRecords>();
        var refused = 0;
        using var host = ClientHost.Build(
            stack.GatewayEndpoints[0], stack.ApiKey,
            writer =>
            {
                writer.MaxRetryDelay = TimeSpan.FromSeconds(1);
                writer.OnUndelivered = lost.Add;
            },
            http => http.AddHttpMessageHandler(() => new AttemptCounter(failed: true, null, () => Interlocked.Increment(ref refused))));
        await host.StartAsync();
        var writer = host.Services.GetRequiredService<PersistenceWriter>();

        var producing = ProduceAsync(writer, prefix, TimeSpan.FromSeconds(6));
        await Task.Delay(TimeSpan.FromSeconds(1));
        await stack.Stack.StopResourceAsync(StackResources.Gateway);
        await Task.Delay(TimeSpan.FromSeconds(3));
        Assert.True(writer.Outstanding > 0, "records queue up while the gateway is down");
        await stack.Stack.StartResourceAsync(StackResources.Gateway);
        await producing;

        using (var flushed = new CancellationTokenSource(TimeSpan.FromMinutes(2)))
        {
            await writer.FlushAsync(flushed.Token);
        }

        Assert.Empty(lost);
        Assert.True(refused > 0, "sends failed while the gateway was down");
        await AssertEveryTaskOnceAtItsNewestVersionAsync(host, prefix);
        await host.StopAsync();
    }

    [Fact]
    public async Task Nothing_is_lost_or_duplicated_when_the_key_is_throttled_with_429s()
    {
        var prefix = Records.Prefix();
        // 1,000 records a second with room for two batches: the writer's 4,000 records (and its first batches) hit 429s.
        var key = await new ApiKeyFile(stack).AddAsync("throttled-" + prefix, [Scopes.Ingest, Scopes.Read], records: (1000, 1000));
        var lost = new ConcurrentBag<UndeliveredRecords>();
        var throttled = 0;
        using var host = ClientHost.Build(
            stack.GatewayEndpoints[0], key,
            writer =>
            {
                writer.MaxBatchSize = 500;
                writer.OnUndelivered = lost.Add;
            },
            http => http.AddHttpMessageHandler(() => new AttemptCounter(failed: false, HttpStatusCode.TooManyRequests, () => Interlocked.Increment(ref throttled))));
        await host.StartAsync();
        var writer = host.Services.GetRequiredService<PersistenceWriter>();

        await ProduceAsync(writer, prefix, TimeSpan.Zero);
        using (var flushed = new CancellationTokenSource(TimeSpan.FromMinutes(2)))
        {
            await writer.FlushAsync(flushed.Token);
        }

        Assert.Empty(lost);
        Assert.True(throttled > 0, "the key's record limit answered 429");
        await AssertEveryTaskOnceAtItsNewestVersionAsync(host, prefix);
        await host.StopAsync();
    }

    /// <summary>Enqueues every task pending, then completed, spread over <paramref name="over"/>; the hot path never awaits the network.</summary>
    private static async Task ProduceAsync(PersistenceWriter writer, string prefix, TimeSpan over)
    {
        var created = DateTimeOffset.UtcNow.AddMinutes(-5);
        Assert.True(await writer.EnqueueSessionAsync(TypedRecords.Session($"{prefix}-s", "processing", created, created, totalTasks: Tasks)));
        var pause = over / (Tasks * 2 / 100);
        for (var version = 0; version < 2; version++)
        {
            for (var i = 0; i < Tasks; i++)
            {
                var status = version == 0 ? "pending" : "completed";
                Assert.True(await writer.EnqueueTaskAsync(
                    TypedRecords.Task($"{prefix}-t{i:D5}", $"{prefix}-s", status, created, created.AddSeconds(version), version == 0 ? null : "fait")));
                if (i % 100 == 99 && pause > TimeSpan.Zero)
                {
                    await Task.Delay(pause);
                }
            }
        }
    }

    private static async Task AssertEveryTaskOnceAtItsNewestVersionAsync(IHost host, string prefix)
    {
        var client = host.Services.GetRequiredService<PersistenceClient>();
        await client.FlushAllAsync(TimeSpan.FromSeconds(60));
        var stored = new List<TaskSummary>();
        await foreach (var task in client.ListTasksAsync($"{prefix}-s", new TaskQuery { PageSize = 200 }))
        {
            stored.Add(task);
        }

        Assert.Equal(Enumerable.Range(0, Tasks).Select(i => $"{prefix}-t{i:D5}"), stored.Select(t => t.TaskId));
        Assert.All(stored, t => Assert.Equal("completed", t.Status));
    }

    /// <summary>
    /// Counts attempts that failed on the network (<paramref name="failed"/>) or answered <paramref name="status"/>, each
    /// attempt of the resilience handler's retries included: it sits between that handler and the socket.
    /// </summary>
    private sealed class AttemptCounter(bool failed, HttpStatusCode? status, Action seen) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            HttpResponseMessage response;
            try
            {
                response = await base.SendAsync(request, cancellationToken);
            }
            catch (HttpRequestException) when (failed)
            {
                seen();
                throw;
            }

            if (response.StatusCode == status)
            {
                seen();
            }

            return response;
        }
    }
}
