using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using AppHost;
using AppHost.Hosting;
using MySqlConnector;
using Npgsql;
using Persistence.Contracts;
using Stack.Testing;
using StackExchange.Redis;

namespace Fault.Suite;

/// <summary>
/// Starts the real stack through the AppHost (Aspire.Hosting.Testing), then for each fault: steady load, the fault, more load, a
/// drain, and a comparison of the database (MariaDB or PostgreSQL) with the client's ledger.
/// </summary>
public sealed class FaultRunner(FaultOptions options, TextWriter log) : IAsyncDisposable
{
    private StackInstance? _stack;
    private HttpClient? _gateway;

    private StackInstance App => _stack ?? throw new InvalidOperationException("Start the stack first.");

    private HttpClient Gateway => _gateway ?? throw new InvalidOperationException("Start the stack first.");

    public string StateDirectory { get; } = options.StateDirectory ?? Path.Combine(Path.GetTempPath(), "fault-suite-" + Guid.NewGuid().ToString("N")[..8]);

    public async Task<IReadOnlyList<FaultResult>> RunAsync(CancellationToken cancellationToken)
    {
        await StartStackAsync(cancellationToken);
        var results = new List<FaultResult>();
        foreach (var fault in options.Faults)
        {
            await log.WriteLineAsync($"[{DateTime.UtcNow:HH:mm:ss}] {fault}: load, fault, load, drain, compare");
            FaultResult result;
            try
            {
                result = await RunFaultAsync(fault, cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                result = new FaultResult(fault, 0, 0, 0, 0, 0, 0, 0, 0, ex.Message);
            }

            await log.WriteLineAsync($"[{DateTime.UtcNow:HH:mm:ss}] {fault}: {(result.Clean ? "clean" : "FAILED")} ({result.Accepted} accepted, {result.Missing} missing, {result.Regressions} regressed)");
            results.Add(result);
        }

        return results;
    }

    public async ValueTask DisposeAsync()
    {
        _gateway?.Dispose();
        if (_stack is not null)
        {
            await _stack.DisposeAsync();
        }

        if (options.StateDirectory is null)
        {
            try
            {
                Directory.Delete(StateDirectory, recursive: true);
            }
            catch (IOException)
            {
                // Left under the temp folder for inspection.
            }
        }
    }

    /// <summary>
    /// The gateway keeps one port for the whole run, so the load client's address survives the full restart; every
    /// other port is picked afresh at each start.
    /// </summary>
    private readonly int _gatewayPort = FreePort();

    private IEnumerable<string> Arguments =>
    [
        "--replicas", "2",
        "--workers", "2",
        // Sharded, so the faults hit records spread over several streams and consumers.
        "--shards", "2",
        "--gateway-port", _gatewayPort.ToString(CultureInfo.InvariantCulture),
        "--database", options.Database,
        "--worker-setting", "Flush__ClaimIdleTimeMs=1500",
        "--worker-setting", "Flush__ClaimIntervalMs=500",
        .. StackOptions.BackpressureWaterMarks(highWaterEntries: 20_000, lowWaterEntries: 10_000),
        "--api-setting", "Backpressure__RefreshIntervalMs=100",
        .. StackOptions.DefaultKeyRateLimits(requestsPerSecond: 100_000, requestBurst: 100_000, recordsPerSecond: 10_000_000, recordBurst: 10_000_000),
    ];

    private async Task StartStackAsync(CancellationToken cancellationToken)
    {
        _stack = await StackInstance.StartAsync(Arguments, StateDirectory, cancellationToken: cancellationToken);
        _gateway ??= CreateGatewayClient(_stack);
    }

    private static HttpClient CreateGatewayClient(StackInstance stack)
    {
        var client = new HttpClient { BaseAddress = stack.GatewayEndpoint(), Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Add("X-API-Key", stack.ApiKey);
        return client;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private async Task<FaultResult> RunFaultAsync(string fault, CancellationToken cancellationToken)
    {
        var prefix = $"{fault}-{Guid.NewGuid().ToString("N")[..6]}";
        var client = new LoadClient(Gateway, prefix, options);
        using var stop = new CancellationTokenSource();
        var load = client.RunAsync(stop.Token);

        await Task.Delay(options.LoadBefore, cancellationToken);
        await InjectAsync(fault, cancellationToken);
        var recovery = await MeasureRecoveryAsync(prefix, cancellationToken);
        await Task.Delay(options.LoadAfter, cancellationToken);
        await stop.CancelAsync();
        await load;

        await DrainAsync(cancellationToken);
        return await CompareAsync(fault, prefix, client.Ledger, recovery);
    }

    private async Task InjectAsync(string fault, CancellationToken cancellationToken)
    {
        switch (fault)
        {
            case "worker-kill":
                for (var i = 0; i < options.WorkerKills; i++)
                {
                    // AppHost's supervisor starts a killed process again, as a cluster would.
                    var victim = App.Workers[i % App.Workers.Count];
                    var killed = await App.KillAsync(victim);
                    await App.WaitForProcessIdAsync(victim, other: killed);
                    await App.WaitHealthyAgainAsync(victim);
                    await Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken);
                }

                break;

            case "worker-dead":
                await KillAndKeepDeadAsync(App.Workers[0], cancellationToken);
                break;

            case "redis-full":
                await HoldRedisFullUntilSheddingAsync(cancellationToken);
                break;

            case "api-kill":
                var replica = App.ApiReplicas[0];
                var pid = await App.KillAsync(replica);
                await App.WaitForProcessIdAsync(replica, other: pid);
                await App.WaitHealthyAgainAsync(replica);
                break;

            case "database-stop":
                await App.StopResourceAsync(App.DatabaseServer);
                await Task.Delay(options.DatabaseDowntime, cancellationToken);
                await App.StartResourceAsync(App.DatabaseServer);
                break;

            case "redis-restart":
                await App.RestartResourceAsync(StackResources.Redis);
                break;

            case "full-restart":
                // Everything stops (each service drains as on SIGTERM) and the same state folder starts again.
                await App.DisposeAsync();
                _stack = null;
                await StartStackAsync(cancellationToken);
                break;

            case "database-slow":
                await HoldTableLockUntilSheddingAsync(cancellationToken);
                break;

            default:
                throw new ArgumentException($"Unknown fault {fault}.");
        }
    }

    /// <summary>
    /// SIGKILL, then at once the stop command, so the supervisor does not bring the worker back: the survivors must
    /// take over what it held. It is started again after <see cref="FaultOptions.WorkerDowntime"/>.
    /// </summary>
    private async Task KillAndKeepDeadAsync(string victim, CancellationToken cancellationToken)
    {
        var killed = await App.KillAsync(victim);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            try
            {
                await App.StopResourceAsync(victim);
            }
            catch (InvalidOperationException)
            {
                // Not running at this instant: exited and not yet restarted.
            }

            await Task.Delay(500, cancellationToken);
            if (App.ProcessId(victim) is not { } pid || pid == killed || !ProcessTree.IsRunning(pid))
            {
                break;
            }

            // The supervisor had restarted it before the stop arrived; stop the new process too.
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{victim} could not be kept stopped.");
            }
        }

        await Task.Delay(options.WorkerDowntime, cancellationToken);
        await App.StartResourceAsync(victim);
    }

    /// <summary>
    /// Lowers Redis' maxmemory below what it holds, as a burst past the API's high-water mark would leave it: Redis
    /// refuses every command that allocates until the workers have acknowledged and trimmed. Held until ingest sheds
    /// and <see cref="FaultOptions.RedisFullHold"/> more, then the configured limit is restored.
    /// </summary>
    private async Task HoldRedisFullUntilSheddingAsync(CancellationToken cancellationToken)
    {
        await using var redis = await ConnectionMultiplexer.ConnectAsync(App.RedisConnectionString + ",allowAdmin=true");
        // Every master of a cluster, as each refuses the writes to its own slots once it is full.
        var masters = redis.GetServers().Where(s => !s.IsReplica).ToList();
        var configured = new List<(IServer Server, string Value)>();
        long used = 0;
        foreach (var master in masters)
        {
            configured.Add((master, (await master.ConfigGetAsync("maxmemory")).Single().Value));
            var usedHere = long.Parse(
                (await master.InfoAsync("memory")).SelectMany(g => g).Single(p => p.Key == "used_memory").Value, CultureInfo.InvariantCulture);
            used = Math.Max(used, usedHere);
            await master.ConfigSetAsync("maxmemory", Math.Max(1024 * 1024, usedHere - (512 * 1024)));
        }

        try
        {
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (DateTime.UtcNow < deadline)
            {
                var stats = await Gateway.GetFromJsonAsync<System.Text.Json.JsonElement>("/api/v1/persistence/stats", cancellationToken);
                if (stats.GetProperty("backpressure").GetProperty("shedding").GetBoolean())
                {
                    await log.WriteLineAsync($"    shedding with Redis over a maxmemory of {used / (1024 * 1024)} MB");
                    break;
                }

                await Task.Delay(100, cancellationToken);
            }

            await Task.Delay(options.RedisFullHold, cancellationToken);
        }
        finally
        {
            foreach (var (master, value) in configured)
            {
                await master.ConfigSetAsync("maxmemory", value);
            }
        }
    }

    /// <summary>A held write lock stalls every flush until the backlog trips the API's high-water mark.</summary>
    private async Task HoldTableLockUntilSheddingAsync(CancellationToken cancellationToken)
    {
        var postgres = App.Backend == StorageBackends.PostgreSql;
        await using var locker = OpenDatabase();
        await locker.OpenAsync(cancellationToken);
        // PostgreSQL holds a table lock for the transaction it was taken in.
        await ExecuteAsync(locker, postgres ? "BEGIN; LOCK TABLE translation_tasks IN EXCLUSIVE MODE" : "LOCK TABLES translation_tasks WRITE", cancellationToken);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            var stats = await Gateway.GetFromJsonAsync<System.Text.Json.JsonElement>("/api/v1/persistence/stats", cancellationToken);
            if (stats.GetProperty("backpressure").GetProperty("shedding").GetBoolean())
            {
                await log.WriteLineAsync($"    high-water mark tripped at a backlog of {stats.GetProperty("backpressure").GetProperty("backlog").GetInt64()}");
                break;
            }

            await Task.Delay(100, cancellationToken);
        }

        await ExecuteAsync(locker, postgres ? "COMMIT" : "UNLOCK TABLES", cancellationToken);
    }

    private DbConnection OpenDatabase() => App.Backend == StorageBackends.PostgreSql
        ? new NpgsqlConnection(new NpgsqlConnectionStringBuilder(App.DatabaseConnectionString) { Timezone = "UTC" }.ConnectionString)
        : new MySqlConnection(App.DatabaseConnectionString);

    private static async Task ExecuteAsync(DbConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static DbCommand Command(DbConnection connection, string sql, string parameter, string value)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        var p = command.CreateParameter();
        p.ParameterName = parameter;
        p.Value = value;
        command.Parameters.Add(p);
        return command;
    }

    /// <summary>Seconds from the end of the fault until a record posted at that moment is readable in the database.</summary>
    private async Task<double> MeasureRecoveryAsync(string prefix, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var marker = $"{prefix}-marker";
        var deadline = DateTime.UtcNow.AddMinutes(3);
        var posted = false;
        while (DateTime.UtcNow < deadline)
        {
            if (!posted)
            {
                try
                {
                    using var response = await Gateway.PostAsJsonAsync(
                        "/api/v1/persistence/sessions/batch",
                        new
                        {
                            sessions = new[]
                            {
                                new Dictionary<string, object?>
                                {
                                    ["session_id"] = marker,
                                    ["status"] = "pending",
                                    ["source_lang"] = "en",
                                    ["target_langs"] = new[] { "fr" },
                                    ["created_at"] = "2026-06-01T00:00:00Z",
                                    ["updated_at"] = "2026-06-01T00:00:00Z",
                                },
                            },
                        },
                        cancellationToken);
                    posted = response.StatusCode == HttpStatusCode.Accepted;
                }
                catch (HttpRequestException)
                {
                    // The gateway is not back yet.
                }
            }

            if (posted && await ExistsAsync(marker, cancellationToken))
            {
                return Stopwatch.GetElapsedTime(started).TotalSeconds;
            }

            await Task.Delay(50, cancellationToken);
        }

        throw new TimeoutException("The pipeline did not recover within 3 minutes.");
    }

    private async Task<bool> ExistsAsync(string sessionId, CancellationToken cancellationToken)
    {
        try
        {
            await using var db = OpenDatabase();
            await db.OpenAsync(cancellationToken);
            await using var command = Command(db, "SELECT 1 FROM translation_sessions WHERE session_id = @id", "@id", sessionId);
            return await command.ExecuteScalarAsync(cancellationToken) is not null;
        }
        catch (DbException)
        {
            return false;
        }
    }

    /// <summary>Waits on the flush barrier, honouring 503 Retry-After, until every accepted record is committed.</summary>
    private async Task DrainAsync(CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow.AddMinutes(3);
        while (true)
        {
            try
            {
                using var response = await Gateway.PostAsync("/api/v1/persistence/flush?timeout_ms=60000", null, cancellationToken);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Retried below.
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("The backlog did not drain within 3 minutes.");
            }

            await Task.Delay(500, cancellationToken);
        }
    }

    private async Task<FaultResult> CompareAsync(string fault, string prefix, Ledger ledger, double recovery)
    {
        var accepted = ledger.Snapshot();
        var stored = new Dictionary<string, DateTime>(StringComparer.Ordinal);
        long rows = 0;
        await using (var db = OpenDatabase())
        {
            await db.OpenAsync();
            await using var command = Command(db, "SELECT task_id, updated_at FROM translation_tasks WHERE task_id LIKE CONCAT(@prefix, '-%')", "@prefix", prefix);
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                rows++;
                stored[reader.GetString(0)] = DateTime.SpecifyKind(reader.GetDateTime(1), DateTimeKind.Utc);
            }
        }

        var missing = accepted.Keys.Count(id => !stored.ContainsKey(id));
        var regressions = accepted.Count(a => stored.TryGetValue(a.Key, out var at) && at < a.Value);
        var unacknowledged = stored.Keys.Count(id => !accepted.ContainsKey(id));
        return new FaultResult(
            fault,
            accepted.Count,
            ledger.States,
            missing,
            rows - stored.Count,
            regressions,
            unacknowledged,
            recovery,
            ledger.RefusedAttempts + ledger.FailedAttempts);
    }
}
