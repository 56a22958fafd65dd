using System.Globalization;
using System.Text.Json;
using AppHost;
using MySqlConnector;
using Npgsql;
using Persistence.Contracts;
using Stack.Testing;

namespace Pipeline.Benchmark;

/// <summary>
/// The real stack, started through the AppHost (Aspire.Hosting.Testing) in a temporary folder, with the gateway's rate limits and the
/// API's high-water marks raised out of the way: the benchmark looks for the pipeline's limits, not the policy's.
/// </summary>
public sealed class BenchPlatform : IAsyncDisposable
{
    // ServiceDefaults' InternalCallers.CredentialHeader; not referenced to keep the telemetry stack out of the client.
    private const string CredentialHeader = "X-Internal-Credential";

    private readonly StackInstance _app;
    private readonly string _state;
    private readonly int _flushNiceness;
    private readonly bool _binaryLog;

    private BenchPlatform(StackInstance app, string state, int flushNiceness, bool binaryLog, Target gateway, Target direct)
    {
        GatewayAddress = app.GatewayEndpoint();
        GatewayHeaders = new Dictionary<string, string> { ["X-API-Key"] = app.ApiKey };
        _app = app;
        _state = state;
        _flushNiceness = flushNiceness;
        _binaryLog = binaryLog;
        Gateway = gateway;
        Direct = direct;
    }

    public Target Gateway { get; }

    /// <summary>The gateway's address and the headers a client sends it, for clients other than <see cref="Gateway"/>'s.</summary>
    public Uri GatewayAddress { get; }

    public IReadOnlyDictionary<string, string> GatewayHeaders { get; }

    /// <summary>Straight to the replicas, round robin, with the credential the gateway would add.</summary>
    public Target Direct { get; }

    /// <summary>The stack's MariaDB, for the sections that run on MySQL only (refused on postgres by <see cref="BenchOptions"/>).</summary>
    public string MySql => _app.Backend == StorageBackends.MySql
        ? _app.DatabaseConnectionString
        : throw new InvalidOperationException("This section needs MySQL; the stack runs on " + _app.Backend + ".");

    /// <summary>The stack's database: a MySqlConnector connection string on mysql, an Npgsql one on postgres.</summary>
    public string Database => _app.DatabaseConnectionString;

    /// <summary>The storage backend the stack runs on (<see cref="StorageBackends"/>).</summary>
    public string Backend => _app.Backend;

    /// <summary>The database server's resource, which is also its name in the CPU lists: mysql or postgres.</summary>
    public string DatabaseServer => _app.DatabaseServer;

    /// <summary>
    /// The database server's own process: MariaDB's one process, or PostgreSQL's postmaster, whose backends (one per
    /// connection) are its children and so counted with it by <see cref="CpuUse"/>.
    /// </summary>
    public (string Name, int Pid) DatabaseProcess => Processes.Single(p => p.Name == DatabaseServer);

    /// <summary>Each resource's own process (a project's service, not its dotnet run wrapper).</summary>
    public IEnumerable<(string Name, int Pid)> Processes =>
        Resources.Select(name => (name, _app.ProcessId(name))).Where(p => p.Item2 is not null).Select(p => (p.name, p.Item2!.Value));

    public string Redis => _app.RedisConnectionString;

    /// <summary>The flush path's CPU niceness as the stack started it (MariaDB and the workers; the rest at 0).</summary>
    public string Niceness => $"{DatabaseServer} and {string.Join(", ", _app.Workers)} at +{_flushNiceness}, the rest at 0";

    /// <summary>
    /// The backend that ran and, on MariaDB, whether it writes a binary log (AppHost's <c>--binlog</c>): its archiver
    /// then runs too.
    /// </summary>
    public string BinaryLog => Backend == StorageBackends.PostgreSql
        ? "Storage backend: PostgreSQL (AppHost --database postgres); no binary log"
        : _binaryLog
            ? "Storage backend: MariaDB; binary log on (ROW, sync_binlog=1), archived by binlog-archiver (AppHost --binlog on)"
            : "Storage backend: MariaDB; binary log off (AppHost --binlog off)";

    private IEnumerable<string> Resources => [StackResources.Redis, DatabaseServer, .. _app.ApiReplicas, .. _app.Workers, .. _app.Gateways];

    public static async Task<BenchPlatform> StartAsync(int replicas, int workers, BenchOptions bench, int? shards = null)
    {
        var state = Path.Combine(Path.GetTempPath(), "pipeline-bench-" + Guid.NewGuid().ToString("N")[..8]);
        var flushNiceness = bench.FlushNiceness ?? new StackOptions().FlushNiceness;
        // PostgreSQL has no binary log: the AppHost refuses --binlog on with it, so none is passed.
        var binaryLog = !bench.OnPostgres && (bench.BinaryLog ?? new StackOptions().BinaryLog);
        List<string> arguments =
        [
            "--database", bench.Database,
            "--replicas", replicas.ToString(CultureInfo.InvariantCulture),
            "--workers", workers.ToString(CultureInfo.InvariantCulture),
            "--flush-niceness", flushNiceness.ToString(CultureInfo.InvariantCulture),
            .. StackOptions.DefaultKeyRateLimits(requestsPerSecond: 10_000_000, requestBurst: 10_000_000, recordsPerSecond: 1_000_000_000, recordBurst: 1_000_000_000),
            .. StackOptions.BackpressureWaterMarks(highWaterEntries: 100_000_000, lowWaterEntries: 90_000_000),
            "--api-setting", "Backpressure__HighWaterMemoryRatio=0.98",
            "--api-setting", "Backpressure__LowWaterMemoryRatio=0.97",
            .. (bench.MySqlBufferPool is { } pool ? (string[])["--mysql-buffer-pool", pool] : []),
            .. (bench.OnPostgres ? [] : (string[])["--binlog", binaryLog ? "on" : "off"]),
            .. Settings("--gateway-setting", bench.GatewaySettings),
            .. Settings("--api-setting", bench.ApiSettings),
            .. Settings("--worker-setting", bench.WorkerSettings),
            // After the settings, so a curve's shard count wins over a Streams__Shards given for the whole run.
            .. (shards is { } count ? (string[])["--shards", count.ToString(CultureInfo.InvariantCulture)] : []),
        ];
        // Whatever did start is stopped again when the stack fails to start.
        var app = await StackInstance.StartAsync(arguments, state);

        using var secrets = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(state, "secrets.json")));
        var credential = secrets.RootElement.GetProperty("InternalCredential").GetString()!;
        var gateway = new Target("gateway", [app.GatewayEndpoint()], new Dictionary<string, string> { ["X-API-Key"] = app.ApiKey });
        var direct = new Target("direct", [.. app.ApiReplicas.Select(app.Endpoint)], new Dictionary<string, string> { [CredentialHeader] = credential });
        return new BenchPlatform(app, state, flushNiceness, binaryLog, gateway, direct);
    }

    private static IEnumerable<string> Settings(string option, IReadOnlyDictionary<string, string> settings) =>
        settings.SelectMany(setting => (string[])[option, $"{setting.Key}={setting.Value}"]);

    /// <summary>The API's flush barrier: returns once everything accepted before the call is queryable in the database.</summary>
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
        // Each master of a cluster rewrites its own file; a client waits on the one that holds its keys.
        var masters = redis.GetServers().Where(s => !s.IsReplica).ToList();
        var lines = new List<string>();
        foreach (var server in masters)
        {
            var info = (await server.InfoAsync()).SelectMany(g => g).ToDictionary(p => p.Key, p => p.Value);
            lines.Add($"{info.GetValueOrDefault("aof_rewrites")} AOF rewrites, {info.GetValueOrDefault("total_forks")} forks, the last one {info.GetValueOrDefault("latest_fork_usec")} µs"
                + (masters.Count > 1 ? $" on {server.EndPoint}" : ""));
        }

        return "Redis during the run: " + string.Join("; ", lines);
    }

    /// <summary>Rows whose id starts with the run's prefix: with one new id per record, it must equal the 202s.</summary>
    public async Task<long> CountRowsAsync(string prefix)
    {
        // A full run leaves about 20 M rows, more than the buffer pool holds: the count outlasted the default 30 s once.
        const int Timeout = 900;
        if (Backend == StorageBackends.PostgreSql)
        {
            await using var postgres = new NpgsqlConnection(Database);
            await postgres.OpenAsync();
            await using var count = new NpgsqlCommand("SELECT COUNT(*) FROM translation_tasks WHERE task_id LIKE @prefix || '%'", postgres) { CommandTimeout = Timeout };
            count.Parameters.AddWithValue("prefix", prefix);
            return Convert.ToInt64(await count.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
        }

        await using var connection = new MySqlConnection(MySql);
        await connection.OpenAsync();
        await using var command = new MySqlCommand("SELECT COUNT(*) FROM translation_tasks WHERE task_id LIKE CONCAT(@prefix, '%')", connection)
        {
            CommandTimeout = Timeout,
        };
        command.Parameters.AddWithValue("@prefix", prefix);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
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
