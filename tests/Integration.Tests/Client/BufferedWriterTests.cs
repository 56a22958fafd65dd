using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Persistence.Client;
using Persistence.Client.Models;
using Persistence.Client.Writing;
using Persistence.Contracts;

namespace Integration.Tests.Client;

/// <summary>The buffered writer against the shared stack: what it delivers, what it gives up and reports, and the sample app.</summary>
[Collection(StackDefinition.Name)]
public sealed class BufferedWriterTests(StackFixture stack)
{
    [Fact]
    public async Task Records_the_api_refuses_are_reported_undelivered_and_the_rest_of_their_batch_is_delivered()
    {
        var prefix = Records.Prefix();
        var lost = new ConcurrentBag<UndeliveredRecords>();
        using var host = ClientHost.Build(stack.GatewayEndpoints[0], stack.ApiKey, writer =>
        {
            writer.MaxBatchDelay = TimeSpan.FromSeconds(1);
            writer.OnUndelivered = lost.Add;
        });
        long undeliveredMetric = 0;
        using var metric = ClientHost.Count(host, "persistence.client.writer.undelivered", n => Interlocked.Add(ref undeliveredMetric, n));
        await host.StartAsync();
        var writer = host.Services.GetRequiredService<PersistenceWriter>();

        var now = DateTimeOffset.UtcNow;
        Assert.True(writer.TryEnqueueSession(TypedRecords.Session($"{prefix}-s", "processing", now, now, totalTasks: 50)));
        for (var i = 0; i < 50; i++)
        {
            Assert.True(writer.TryEnqueueTask(TypedRecords.Task($"{prefix}-t{i}", $"{prefix}-s", i % 10 == 3 ? "exploded" : "pending", now, now)));
        }

        await writer.FlushAsync();
        await host.StopAsync();

        var report = Assert.Single(lost);
        Assert.Equal(UndeliveredReason.Rejected, report.Reason);
        Assert.Equal(Enumerable.Range(0, 5).Select(i => $"{prefix}-t{(i * 10) + 3}"), report.Tasks.Select(t => t.TaskId));
        Assert.Contains("status", ((PersistenceApiException)report.Error!).Errors.Select(e => e.Field));
        Assert.Equal(5, Interlocked.Read(ref undeliveredMetric));

        var client = host.Services.GetRequiredService<PersistenceClient>();
        await client.FlushAllAsync(TimeSpan.FromSeconds(60));
        var stored = new List<string>();
        await foreach (var task in client.ListTasksAsync($"{prefix}-s", new TaskQuery { PageSize = 200 }))
        {
            stored.Add(task.TaskId);
        }

        Assert.Equal(45, stored.Count);
        Assert.DoesNotContain($"{prefix}-t3", stored);
    }

    [Fact]
    public async Task Stopping_the_host_sends_everything_the_writer_still_holds()
    {
        var prefix = Records.Prefix();
        var lost = new ConcurrentBag<UndeliveredRecords>();
        using var host = ClientHost.Build(stack.GatewayEndpoints[0], stack.ApiKey, writer =>
        {
            // Longer than the test: only the stop can make these batches go.
            writer.MaxBatchDelay = TimeSpan.FromMinutes(5);
            writer.MaxBatchSize = 5000;
            writer.OnUndelivered = lost.Add;
        });
        await host.StartAsync();
        var writer = host.Services.GetRequiredService<PersistenceWriter>();
        var now = DateTimeOffset.UtcNow;
        Assert.True(writer.TryEnqueueSession(TypedRecords.Session($"{prefix}-s", "processing", now, now, totalTasks: 300)));
        for (var i = 0; i < 300; i++)
        {
            Assert.True(await writer.EnqueueTaskAsync(TypedRecords.Task($"{prefix}-t{i}", $"{prefix}-s", "pending", now, now)));
        }

        await host.StopAsync();
        Assert.Empty(lost);
        Assert.Equal(0, writer.Outstanding);
        Assert.False(writer.TryEnqueueTask(TypedRecords.Task($"{prefix}-late", $"{prefix}-s", "pending", now, now)));

        var client = host.Services.GetRequiredService<PersistenceClient>();
        var session = await client.GetSessionAsync($"{prefix}-s", ReadConsistency.Strong);
        Assert.Equal(300, session!.Tasks!.Total);
    }

    [Fact]
    public async Task The_sample_app_reports_a_whole_session_through_the_writer_and_reads_it_back()
    {
        var sessionId = "sample-" + Records.Prefix();
        var assembly = AppHost.BuildOutput.AssemblyPath(
            Path.Combine(AppHost.BuildOutput.RepositoryRoot, "samples", "Persistence.Client.Sample", "Persistence.Client.Sample.csproj"));
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var (exitCode, output, error) = await AppHost.ChildProcess.RunAsync(
            AppHost.BuildOutput.DotnetHost,
            [assembly],
            new Dictionary<string, string>
            {
                // What an Aspire AppHost's WithReference(gateway) and a secret store would provide.
                ["services__gateway__http__0"] = stack.GatewayEndpoints[0].ToString().TrimEnd('/'),
                ["PersistenceClient__ApiKey"] = stack.ApiKey,
                ["Sample__SessionId"] = sessionId,
                ["Sample__Tasks"] = "250",
            },
            Path.GetDirectoryName(assembly),
            timeout.Token);

        Assert.True(exitCode == 0, $"the sample exited with {exitCode}:\n{output}\n{error}");
        Assert.Contains($"session {sessionId}: completed, 250 of 250 tasks completed", output, StringComparison.Ordinal);
        var session = await stack.GetJsonAsync($"{Reads.Sessions}/{sessionId}");
        Assert.Equal(250, session.GetProperty("tasks").GetProperty("by_status").GetProperty("completed").GetInt32());
    }
}
