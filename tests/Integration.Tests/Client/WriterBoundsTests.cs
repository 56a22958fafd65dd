using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Persistence.Client.Writing;

namespace Integration.Tests.Client;

/// <summary>
/// The writer's bounds while nothing can be delivered: a loopback port with nobody listening, a real refused
/// connection on every send. No stack is needed, so these run outside the stack collections.
/// </summary>
public sealed class WriterBoundsTests
{
    private static readonly DateTimeOffset At = DateTimeOffset.UtcNow;

    [Fact]
    public async Task A_full_queue_in_refuse_mode_turns_records_down_at_once_and_holds_no_more_than_its_bounds()
    {
        using var host = ClientHost.Build(DeadGateway(), "test.key", writer =>
        {
            writer.Capacity = 5;
            writer.MaxBatchSize = 5;
            writer.FullMode = BufferFullMode.Refuse;
            writer.ShutdownTimeout = TimeSpan.Zero;
        });
        long refusedMetric = 0;
        using var metric = ClientHost.Count(host, "persistence.client.writer.refused", n => Interlocked.Add(ref refusedMetric, n));
        var writer = host.Services.GetRequiredService<PersistenceWriter>();

        var taken = 0;
        for (var i = 0; i < 50; i++)
        {
            var enqueue = writer.EnqueueTaskAsync(TypedRecords.Task($"t{i}", "s", "pending", At, At));
            Assert.True(enqueue.IsCompleted, "refuse mode never waits");
            taken += await enqueue ? 1 : 0;
        }

        // The queue's capacity, plus at most one batch the loop took into flight.
        Assert.InRange(taken, 5, 10);
        Assert.InRange(writer.Outstanding, 5, 10);
        Assert.Equal(50 - taken, Interlocked.Read(ref refusedMetric));
        await writer.StopAsync();
    }

    [Fact]
    public async Task A_full_queue_in_wait_mode_makes_the_enqueue_wait_until_the_writer_stops()
    {
        using var host = ClientHost.Build(DeadGateway(), "test.key", writer =>
        {
            writer.Capacity = 5;
            writer.MaxBatchSize = 5;
            writer.ShutdownTimeout = TimeSpan.Zero;
        });
        var writer = host.Services.GetRequiredService<PersistenceWriter>();
        // Fill the queue, let the loop take a batch into flight (where it stays, resending), and fill the queue again.
        var i = 0;
        while (writer.TryEnqueueTask(TypedRecords.Task($"t{i++}", "s", "pending", At, At)))
        {
        }

        await Task.Delay(500);
        while (writer.TryEnqueueTask(TypedRecords.Task($"t{i++}", "s", "pending", At, At)))
        {
        }

        Assert.Equal(10, writer.Outstanding);

        var waiting = writer.EnqueueTaskAsync(TypedRecords.Task("late", "s", "pending", At, At)).AsTask();
        await Task.Delay(500);
        Assert.False(waiting.IsCompleted, "a full queue makes the caller wait in wait mode");

        await writer.StopAsync();
        Assert.False(await waiting.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task What_cannot_be_sent_within_the_shutdown_timeout_is_reported_undelivered()
    {
        var lost = new ConcurrentBag<UndeliveredRecords>();
        using var host = ClientHost.Build(DeadGateway(), "test.key", writer =>
        {
            writer.MaxBatchSize = 20;
            writer.ShutdownTimeout = TimeSpan.FromSeconds(1);
            writer.OnUndelivered = lost.Add;
        });
        long undeliveredMetric = 0;
        using var metric = ClientHost.Count(host, "persistence.client.writer.undelivered", n => Interlocked.Add(ref undeliveredMetric, n));
        await host.StartAsync();
        var writer = host.Services.GetRequiredService<PersistenceWriter>();
        for (var i = 0; i < 50; i++)
        {
            Assert.True(writer.TryEnqueueTask(TypedRecords.Task($"t{i}", "s", "pending", At, At)));
        }

        var stopping = Stopwatch.StartNew();
        await host.StopAsync();

        Assert.InRange(stopping.Elapsed, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(10));
        Assert.Equal(50, lost.Sum(l => l.Count));
        Assert.All(lost, l => Assert.Equal(UndeliveredReason.ShutdownTimeout, l.Reason));
        Assert.Equal(Enumerable.Range(0, 50).Select(i => $"t{i}").Order(), lost.SelectMany(l => l.Tasks).Select(t => t.TaskId!).Order());
        Assert.Equal(50, Interlocked.Read(ref undeliveredMetric));
        Assert.Equal(0, writer.Outstanding);
    }

    [Fact]
    public async Task A_host_without_an_api_key_or_with_a_batch_the_api_would_refuse_does_not_start()
    {
        // Options validation failures, one or several (then aggregated), each naming its setting.
        using var keyless = ClientHost.Build(DeadGateway(), "");
        var missingKey = await Assert.ThrowsAnyAsync<Exception>(() => keyless.StartAsync());
        Assert.Contains("PersistenceClient:ApiKey", missingKey.Message, StringComparison.Ordinal);

        using var oversized = ClientHost.Build(DeadGateway(), "test.key", writer => writer.MaxBatchSize = 6000);
        var tooLarge = await Assert.ThrowsAnyAsync<Exception>(() => oversized.StartAsync());
        Assert.Contains("PersistenceClient:Writer:MaxBatchSize", tooLarge.Message, StringComparison.Ordinal);
    }

    /// <summary>A loopback port nobody listens on: every connection is refused.</summary>
    private static Uri DeadGateway()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return new Uri($"http://127.0.0.1:{port}");
    }
}
