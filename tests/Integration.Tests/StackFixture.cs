using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using AppHost;
using AppHost.Hosting;
using MySqlConnector;
using StackExchange.Redis;

namespace Integration.Tests;

/// <summary>
/// The whole stack on free ports, brought up once for the integration collection through the AppHost topology:
/// Redis, MariaDB, two API replicas, two workers and the gateway.
/// </summary>
public sealed class StackFixture : IAsyncLifetime
{
    public const int Replicas = 2;
    public const int Workers = 2;
    public const int Gateways = 2;
    public const int BackpressureHighWater = 60_000;

    /// <summary>Attempts of a translation job before it fails (the workers' Processing:MaxAttempts).</summary>
    public const int MaxAttempts = 3;

    public DistributedApplication App { get; private set; } = null!;

    public HttpClient Gateway { get; private set; } = null!;

    public string StateDirectory { get; } = Path.Combine(Path.GetTempPath(), "persistence-it-" + Guid.NewGuid().ToString("N")[..8]);

    public async Task InitializeAsync()
    {
        var options = new StackOptions
        {
            GatewayPort = 0,
            Replicas = Replicas,
            Workers = Workers,
            Gateways = Gateways,
            StateDirectory = StateDirectory,
            EchoLogs = false,
        };
        // Take over a dead worker's entries within seconds rather than the production default of 30 s.
        options.WorkerSettings["Flush__ClaimIdleTimeMs"] = "1500";
        options.WorkerSettings["Flush__ClaimIntervalMs"] = "500";
        // Low enough that a test can pass it in seconds, high enough that no other test comes near.
        options.SetBackpressureWaterMarks(BackpressureHighWater, BackpressureHighWater / 2);
        options.ApiSettings["Backpressure__RefreshIntervalMs"] = "100";
        // The development key drives the load tests; rate-limit tests mint keys with limits of their own.
        options.SetDefaultKeyRateLimits(requestsPerSecond: 10_000, requestBurst: 20_000, recordsPerSecond: 1_000_000, recordBurst: 2_000_000);
        // Tests read entries back from the streams after the workers flushed them.
        options.WorkerSettings["Flush__TrimIntervalMs"] = "600000";
        // Failing translation jobs run through their attempts in about a second.
        options.WorkerSettings["Processing__MaxAttempts"] = MaxAttempts.ToString(CultureInfo.InvariantCulture);
        options.WorkerSettings["Processing__RetryBaseDelayMs"] = "200";

        App = Topology.Define(options);
        try
        {
            await App.StartAsync(CancellationToken.None);
        }
        catch (Exception ex)
        {
            throw new InvalidOperationException($"The stack did not start: {ex.Message}\n{LogTail()}", ex);
        }

        ApiKey = App.Parameters["api-key"];
        Gateway = CreateClient(ApiKey);
    }

    /// <summary>The development key AppHost minted: every scope.</summary>
    public string ApiKey { get; private set; } = "";

    public IReadOnlyList<ProjectResource> GatewayInstances =>
        [.. App.Resources.OfType<ProjectResource>().Where(r => r.ServiceName == Topology.Gateway)];

    /// <summary>A client of one gateway instance, sending <paramref name="apiKey"/> unless it is null.</summary>
    public HttpClient CreateClient(string? apiKey, int gateway = 0, HttpMessageHandler? handler = null)
    {
        var client = handler is null ? new HttpClient() : new HttpClient(handler);
        client.BaseAddress = GatewayInstances[gateway].HttpEndpoint;
        client.Timeout = TimeSpan.FromMinutes(2);
        if (apiKey is not null)
        {
            client.DefaultRequestHeaders.Add("X-API-Key", apiKey);
        }

        return client;
    }

    public async Task DisposeAsync()
    {
        Gateway?.Dispose();
        if (App is not null)
        {
            await App.DisposeAsync();
        }

        try
        {
            Directory.Delete(StateDirectory, recursive: true);
        }
        catch (IOException)
        {
            // Left for inspection; it is under the temp folder.
        }
    }

    public MySqlConnection OpenDatabase()
    {
        var connection = new MySqlConnection(App.ConnectionStrings[Topology.Database]);
        connection.Open();
        return connection;
    }

    /// <summary>A handler whose connections come from <paramref name="source"/> (any 127.x.y.z is loopback on Linux).</summary>
    public static SocketsHttpHandler FromAddress(IPAddress source) => new()
    {
        ConnectCallback = async (context, cancellationToken) =>
        {
            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                socket.Bind(new IPEndPoint(source, 0));
                await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    };

    /// <summary>Entries ever added to a stream (XINFO's entries-added): unaffected by trimming.</summary>
    public async Task<long> EntriesAddedAsync(string stream)
    {
        await using var redis = await ConnectionMultiplexer.ConnectAsync(App.ConnectionStrings[Topology.Redis]);
        var info = await redis.GetDatabase().ExecuteAsync("XINFO", "STREAM", stream);
        var fields = (RedisResult[])info!;
        for (var i = 0; i < fields.Length - 1; i += 2)
        {
            if ((string?)fields[i] == "entries-added")
            {
                return (long)fields[i + 1];
            }
        }

        throw new InvalidOperationException("XINFO STREAM has no entries-added (Redis 7 or later is needed).");
    }

    /// <summary>Waits on the flush barrier, retrying a 503 as its Retry-After asks, as a real client would.</summary>
    public async Task FlushAsync(int timeoutMs = 60_000)
    {
        var deadline = DateTime.UtcNow.AddMilliseconds(timeoutMs);
        while (true)
        {
            using var response = await Gateway.PostAsync($"/api/v1/persistence/flush?timeout_ms={timeoutMs}", null);
            if (response.StatusCode == System.Net.HttpStatusCode.ServiceUnavailable && DateTime.UtcNow < deadline)
            {
                await Task.Delay(response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1));
                continue;
            }

            Assert.True(response.IsSuccessStatusCode, $"flush answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}\n{LogTail()}");
            // Each replica re-measures its backlog every 100 ms; after that none still sheds load because of what was
            // just flushed, so the next test starts from an open door.
            await Task.Delay(250);
            return;
        }
    }

    /// <summary>Waits until every API replica reports ready again (after a dependency was restarted).</summary>
    public async Task WaitForApiReplicasAsync()
    {
        foreach (var replica in App.Resources.OfType<ProjectResource>().Where(r => r.ServiceName == Topology.Api))
        {
            try
            {
                await replica.WaitUntilHealthyAsync(TimeSpan.FromSeconds(60), CancellationToken.None);
            }
            catch (TimeoutException ex)
            {
                Assert.Fail($"{replica.Name} did not become ready again: {ex.Message}\n{LogTail()}");
            }
        }
    }

    public Task<HttpResponseMessage> PostTasksAsync(IEnumerable<object> tasks) =>
        Gateway.PostAsJsonAsync("/api/v1/persistence/tasks/batch", new { tasks });

    public Task<HttpResponseMessage> PostSessionsAsync(IEnumerable<object> sessions) =>
        Gateway.PostAsJsonAsync("/api/v1/persistence/sessions/batch", new { sessions });

    /// <summary>Lines of one process's log that contain <paramref name="text"/>, to explain a failure.</summary>
    public string LogLines(string resource, string text)
    {
        var file = Path.Combine(StateDirectory, "logs", resource + ".log");
        if (!File.Exists(file))
        {
            return "";
        }

        using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        return string.Join('\n', reader.ReadToEnd().Split('\n').Where(line => line.Contains(text, StringComparison.Ordinal)));
    }

    /// <summary>The last lines of every process's log, to explain a failure.</summary>
    public string LogTail(int lines = 15)
    {
        var directory = Path.Combine(StateDirectory, "logs");
        if (!Directory.Exists(directory))
        {
            return "";
        }

        return string.Join('\n', Directory.GetFiles(directory, "*.log").Order().Select(file =>
        {
            string[] content;
            using (var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite))
            using (var reader = new StreamReader(stream))
            {
                content = reader.ReadToEnd().Split('\n');
            }

            return $"--- {Path.GetFileName(file)}\n" + string.Join('\n', content.TakeLast(lines));
        }));
    }
}

[CollectionDefinition(Name)]
public sealed class StackDefinition : ICollectionFixture<StackFixture>
{
    public const string Name = "stack";
}
