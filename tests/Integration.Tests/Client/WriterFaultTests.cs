using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Persistence.Client.Writing;

namespace Integration.Tests.Client;

/// <summary>
/// The writer against a gateway that answers as told (a real HTTP listener on loopback, no resilience handler in
/// between, so the writer meets each answer itself): no record or answer may stop its loop.
/// </summary>
public sealed class WriterFaultTests
{
    private static readonly DateTimeOffset At = DateTimeOffset.UtcNow;

    [Fact]
    public async Task A_record_whose_metadata_document_was_disposed_is_reported_rejected_and_the_records_behind_it_are_delivered()
    {
        await using var gateway = new ScriptedGateway(_ => (HttpStatusCode.Accepted, null));
        var undelivered = new ConcurrentBag<UndeliveredRecords>();
        using var host = ClientHost.Build(gateway.Address, "test.key", writer =>
        {
            writer.MaxBatchDelay = TimeSpan.FromMilliseconds(50);
            writer.OnUndelivered = undelivered.Add;
        }, WithoutResilience);
        var writer = host.Services.GetRequiredService<PersistenceWriter>();

        var disposedBefore = JsonDocument.Parse("""{"n":1}""");
        var element = disposedBefore.RootElement;
        disposedBefore.Dispose();
        Assert.True(writer.TryEnqueueTask(TypedRecords.Task("bad", "s", "pending", At, At) with { Metadata = element }));
        // Disposed only after it was taken: the queue holds its own copy, so it is delivered.
        using (var disposedAfter = JsonDocument.Parse("""{"n":2}"""))
        {
            Assert.True(writer.TryEnqueueTask(TypedRecords.Task("late-dispose", "s", "pending", At, At) with { Metadata = disposedAfter.RootElement }));
        }

        for (var i = 0; i < 3; i++)
        {
            Assert.True(writer.TryEnqueueTask(TypedRecords.Task($"good{i}", "s", "pending", At, At)));
        }

        await writer.FlushAsync().WaitAsync(TimeSpan.FromSeconds(20));

        var rejected = Assert.Single(undelivered);
        Assert.Equal(UndeliveredReason.Rejected, rejected.Reason);
        Assert.Equal("bad", Assert.Single(rejected.Tasks).TaskId);
        Assert.Equal(["good0", "good1", "good2", "late-dispose"], gateway.TaskIds.Order(StringComparer.Ordinal));
        await writer.StopAsync();
    }

    [Fact]
    public async Task A_Retry_After_of_months_is_waited_no_longer_than_MaxRetryDelay_and_the_writer_goes_on_delivering()
    {
        var calls = 0;
        await using var gateway = new ScriptedGateway(_ => Interlocked.Increment(ref calls) == 1
            ? (HttpStatusCode.ServiceUnavailable, TimeSpan.FromDays(120))
            : (HttpStatusCode.Accepted, null));
        using var host = ClientHost.Build(gateway.Address, "test.key", writer =>
        {
            writer.MaxBatchDelay = TimeSpan.FromMilliseconds(50);
            writer.RetryBaseDelay = TimeSpan.FromMilliseconds(100);
            writer.MaxRetryDelay = TimeSpan.FromSeconds(1);
        }, WithoutResilience);
        var writer = host.Services.GetRequiredService<PersistenceWriter>();

        Assert.True(writer.TryEnqueueTask(TypedRecords.Task("first", "s", "pending", At, At)));
        await writer.FlushAsync().WaitAsync(TimeSpan.FromSeconds(20));
        Assert.True(writer.TryEnqueueTask(TypedRecords.Task("second", "s", "pending", At, At)));
        await writer.FlushAsync().WaitAsync(TimeSpan.FromSeconds(20));

        Assert.Equal(["first", "second"], gateway.TaskIds.Order(StringComparer.Ordinal));
        await writer.StopAsync();
    }

    [Fact]
    public async Task A_queue_is_bounded_in_bytes_so_large_records_are_refused_long_before_the_record_count_is_reached()
    {
        // Nobody answers: the first batch stays in flight, everything else stays queued.
        await using var gateway = new ScriptedGateway(_ => (HttpStatusCode.ServiceUnavailable, TimeSpan.FromSeconds(1)));
        using var host = ClientHost.Build(gateway.Address, "test.key", writer =>
        {
            writer.Capacity = 10_000;
            writer.MaxBatchSize = 10;
            writer.CapacityBytes = 100_000;
            writer.FullMode = BufferFullMode.Refuse;
            writer.ShutdownTimeout = TimeSpan.Zero;
        }, WithoutResilience);
        var writer = host.Services.GetRequiredService<PersistenceWriter>();
        var large = JsonSerializer.SerializeToElement(new { blob = new string('x', 10_000) });

        var taken = 0;
        for (var i = 0; i < 200; i++)
        {
            taken += writer.TryEnqueueTask(TypedRecords.Task($"t{i}", "s", "pending", At, At) with { Metadata = large }) ? 1 : 0;
        }

        // About 100 kB queued (ten records of 10 kB), plus at most one batch of ten in flight.
        Assert.InRange(taken, 9, 21);
        await writer.StopAsync();
    }

    private static void WithoutResilience(IHttpClientBuilder http)
    {
#pragma warning disable EXTEXP0001
        http.RemoveAllResilienceHandlers();
#pragma warning restore EXTEXP0001
    }

    /// <summary>An HTTP listener on a free loopback port answering each batch as the script says, recording the task ids it accepted.</summary>
    private sealed class ScriptedGateway : IAsyncDisposable
    {
        private readonly HttpListener _listener = new();
        private readonly Func<int, (HttpStatusCode Status, TimeSpan? RetryAfter)> _answer;
        private readonly Task _loop;
        private readonly ConcurrentQueue<string> _taskIds = new();
        private int _requests;

        public ScriptedGateway(Func<int, (HttpStatusCode Status, TimeSpan? RetryAfter)> answer)
        {
            _answer = answer;
            using (var probe = new TcpListener(IPAddress.Loopback, 0))
            {
                probe.Start();
                Address = new Uri($"http://127.0.0.1:{((IPEndPoint)probe.LocalEndpoint).Port}/");
            }

            _listener.Prefixes.Add(Address.ToString());
            _listener.Start();
            _loop = Task.Run(ServeAsync);
        }

        public Uri Address { get; }

        public IReadOnlyCollection<string> TaskIds => [.. _taskIds];

        private async Task ServeAsync()
        {
            while (_listener.IsListening)
            {
                HttpListenerContext context;
                try
                {
                    context = await _listener.GetContextAsync();
                }
                catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException)
                {
                    return;
                }

                JsonDocument body;
                try
                {
                    body = await JsonDocument.ParseAsync(context.Request.InputStream);
                }
                catch (Exception ex) when (ex is JsonException or HttpListenerException or IOException)
                {
                    // A writer stopped with no shutdown time abandons the request it was sending: the body is torn.
                    context.Response.Abort();
                    continue;
                }

                using var parsed = body;
                var (status, retryAfter) = _answer(Interlocked.Increment(ref _requests));
                context.Response.StatusCode = (int)status;
                if (retryAfter is { } wait)
                {
                    context.Response.Headers["Retry-After"] = ((long)wait.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
                }

                var count = 0;
                if (status == HttpStatusCode.Accepted && body.RootElement.TryGetProperty("tasks", out var tasks))
                {
                    foreach (var task in tasks.EnumerateArray())
                    {
                        _taskIds.Enqueue(task.GetProperty("task_id").GetString()!);
                        count++;
                    }
                }

                context.Response.ContentType = status == HttpStatusCode.Accepted ? "application/json" : "application/problem+json";
                var reply = status == HttpStatusCode.Accepted
                    ? JsonSerializer.SerializeToUtf8Bytes(new { status = "accepted", count })
                    : JsonSerializer.SerializeToUtf8Bytes(new { title = "Temporarily unavailable", status = (int)status });
                try
                {
                    await context.Response.OutputStream.WriteAsync(reply);
                    context.Response.Close();
                }
                catch (Exception ex) when (ex is HttpListenerException or IOException or ObjectDisposedException)
                {
                    // The writer hung up (a stop with no shutdown time) or the test is closing the listener: whatever
                    // the writer makes of a lost answer is what the test asserts, not this script's reply.
                }
            }
        }

        public async ValueTask DisposeAsync()
        {
            _listener.Stop();
            _listener.Close();
            await _loop;
        }
    }
}
