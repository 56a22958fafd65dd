using System.Text.Json;
using AppHost;
using AppHost.Hosting;
using MySqlConnector;

namespace Pipeline.Benchmark;

/// <summary>
/// The real stack, started through the AppHost topology in a temporary folder, with the gateway's rate limits and the
/// API's high-water marks raised out of the way: the benchmark looks for the pipeline's limits, not the policy's.
/// </summary>
public sealed class BenchPlatform : IAsyncDisposable
{
    // ServiceDefaults' InternalCallers.CredentialHeader; not referenced to keep the telemetry stack out of the client.
    private const string CredentialHeader = "X-Internal-Credential";

    private readonly DistributedApplication _app;
    private readonly string _state;

    private BenchPlatform(DistributedApplication app, string state, Target gateway, Target direct)
    {
        _app = app;
        _state = state;
        Gateway = gateway;
        Direct = direct;
    }

    public Target Gateway { get; }

    /// <summary>Straight to the replicas, round robin, with the credential the gateway would add.</summary>
    public Target Direct { get; }

    public string MySql => _app.ConnectionStrings[Topology.Database];

    public IEnumerable<(string Name, int Pid)> Processes =>
        _app.Resources.Where(r => r.Process is not null).Select(r => (r.Name, r.Process!.Id));

    public string Redis => _app.ConnectionStrings[Topology.Redis];

    /// <summary>Each process's CPU niceness as the stack started it.</summary>
    public string Niceness => string.Join(", ", _app.Resources.Select(r => $"{r.Name} {r.Niceness}"));

    public static async Task<BenchPlatform> StartAsync(int replicas, int workers, BenchOptions bench)
    {
        var state = Path.Combine(Path.GetTempPath(), "pipeline-bench-" + Guid.NewGuid().ToString("N")[..8]);
        var options = new StackOptions { GatewayPort = 0, Replicas = replicas, Workers = workers, StateDirectory = state, EchoLogs = false };
        options.FlushNiceness = bench.FlushNiceness ?? options.FlushNiceness;
        options.SetDefaultKeyRateLimits(requestsPerSecond: 10_000_000, requestBurst: 10_000_000, recordsPerSecond: 1_000_000_000, recordBurst: 1_000_000_000);
        options.SetBackpressureWaterMarks(highWaterEntries: 100_000_000, lowWaterEntries: 90_000_000);
        options.ApiSettings["Backpressure__HighWaterMemoryRatio"] = "0.98";
        options.ApiSettings["Backpressure__LowWaterMemoryRatio"] = "0.97";
        Override(options.GatewaySettings, bench.GatewaySettings);
        Override(options.ApiSettings, bench.ApiSettings);
        Override(options.WorkerSettings, bench.WorkerSettings);
        var app = Topology.Define(options);
        try
        {
            await app.StartAsync(CancellationToken.None);
        }
        catch
        {
            // Whatever did start must not outlive the benchmark.
            await app.DisposeAsync();
            throw;
        }

        using var secrets = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(state, "secrets.json")));
        var credential = secrets.RootElement.GetProperty("InternalCredential").GetString()!;
        var gateway = new Target("gateway", [app.Get<ProjectResource>(Topology.Gateway).HttpEndpoint], new Dictionary<string, string> { ["X-API-Key"] = app.Parameters["api-key"] });
        var direct = new Target(
            "direct",
            [.. app.Resources.OfType<ProjectResource>().Where(r => r.ServiceName == Topology.Api).Select(r => r.HttpEndpoint)],
            new Dictionary<string, string> { [CredentialHeader] = credential });
        return new BenchPlatform(app, state, gateway, direct);
    }

    private static void Override(Dictionary<string, string> settings, IReadOnlyDictionary<string, string> overrides)
    {
        foreach (var (key, value) in overrides)
        {
            settings[key] = value;
        }
    }

    /// <summary>The API's flush barrier: returns once everything accepted before the call is queryable in MySQL.</summary>
    public async Task DrainAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            try
            {
                using var response = await Gateway.Next().PostAsync("/api/v1/persistence/flush?timeout_ms=25000", null);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                // Retried below.
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"The backlog did not drain within {timeout}.");
            }

            await Task.Delay(200);
        }
    }

    /// <summary>
    /// Redis's forks for append-only-file rewrites: each stalls every client for the fork's duration, so they show up
    /// in the latency tail.
    /// </summary>
    public async Task<string> RedisForksAsync()
    {
        await using var redis = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(Redis + ",allowAdmin=true");
        var info = (await redis.GetServers()[0].InfoAsync()).SelectMany(g => g).ToDictionary(p => p.Key, p => p.Value);
        return $"Redis during the run: {info.GetValueOrDefault("aof_rewrites")} AOF rewrites, {info.GetValueOrDefault("total_forks")} forks, the last one {info.GetValueOrDefault("latest_fork_usec")} µs";
    }

    /// <summary>Rows whose id starts with the run's prefix: with one new id per record, it must equal the 202s.</summary>
    public async Task<long> CountRowsAsync(string prefix)
    {
        await using var connection = new MySqlConnection(MySql);
        await connection.OpenAsync();
        // A full run leaves about 20 M rows, more than the buffer pool holds: the count outlasted the default 30 s once.
        await using var command = new MySqlCommand("SELECT COUNT(*) FROM translation_tasks WHERE task_id LIKE CONCAT(@prefix, '%')", connection)
        {
            CommandTimeout = 900,
        };
        command.Parameters.AddWithValue("@prefix", prefix);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    public async ValueTask DisposeAsync()
    {
        Gateway.Dispose();
        Direct.Dispose();
        await _app.DisposeAsync();
        try
        {
            Directory.Delete(_state, recursive: true);
        }
        catch (IOException)
        {
            // Left under the temp folder.
        }
    }
}
