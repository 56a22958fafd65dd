using System.Data.Common;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using AppHost;
using MySqlConnector;
using Npgsql;
using Persistence.Storage;
using Persistence.Storage.MySql;
using Persistence.Storage.PostgreSql;
using Persistence.Contracts;
using Stack.Testing;
using StackExchange.Redis;

namespace Integration.Tests;

/// <summary>
/// The whole stack on free ports, brought up once for a collection through the AppHost itself
/// (Aspire.Hosting.Testing, with the command line a user would pass): Redis, MariaDB, two API replicas, two workers
/// and two gateways. The shared one is for tests that leave every process running; tests that kill, stop or
/// reconfigure processes use <see cref="IsolatedStackFixture"/>, so one slow recovery cannot fail unrelated tests.
/// </summary>
public class StackFixture : IAsyncLifetime
{
    public const int Replicas = 2;
    public const int Workers = 2;
    public const int Gateways = 2;
    public const int BackpressureHighWater = 60_000;
    public const int FlushersPerStream = 2;

    /// <summary>Shards of the sessions and tasks streams: more than the default one, so every test routes records.</summary>
    public const int Shards = 2;

    /// <summary>Attempts of a translation job before it fails (the workers' Processing:MaxAttempts).</summary>
    public const int MaxAttempts = 3;

    /// <summary>The loopback address the gateways trust as a load balancer in front of them (X-Forwarded-For).</summary>
    public static readonly IPAddress TrustedProxy = IPAddress.Parse("127.0.0.90");

    public StackInstance Stack { get; private set; } = null!;

    public HttpClient Gateway { get; private set; } = null!;

    public string StateDirectory { get; } = Path.Combine(Path.GetTempPath(), "persistence-it-" + Guid.NewGuid().ToString("N")[..8]);

    /// <summary>The AppHost command line: what a user would type after <c>dotnet run --project AppHost --</c>.</summary>
    public static IEnumerable<string> Arguments =>
    [
        "--replicas", Invariant(Replicas),
        "--workers", Invariant(Workers),
        "--gateways", Invariant(Gateways),
        "--shards", Invariant(Shards),
        // Take over a dead worker's entries within seconds rather than the production default of 30 s.
        "--worker-setting", "Flush__ClaimIdleTimeMs=1500",
        "--worker-setting", "Flush__ClaimIntervalMs=500",
        // Every test on this stack runs with parallel flushers of each stream, in each worker.
        "--worker-setting", $"Flush__FlushersPerStream={Invariant(FlushersPerStream)}",
        // Low enough that a test can pass it in seconds, high enough that no other test comes near.
        .. StackOptions.BackpressureWaterMarks(BackpressureHighWater, BackpressureHighWater / 2),
        "--api-setting", "Backpressure__RefreshIntervalMs=100",
        // The query tests keep their rows apart (and out of GC's reach) in windows up to 2099: allow about 80 years.
        "--api-setting", "Ingest__MaxFutureSkewSeconds=2520000000",
        // The development key drives the load tests; rate-limit tests mint keys with limits of their own.
        .. StackOptions.DefaultKeyRateLimits(requestsPerSecond: 10_000, requestBurst: 20_000, recordsPerSecond: 1_000_000, recordBurst: 2_000_000),
        "--gateway-setting", $"ForwardedHeaders__KnownProxies__0={TrustedProxy}",
        // Tests read entries back from the streams after the workers flushed them.
        "--worker-setting", "Flush__TrimIntervalMs=600000",
        // Failing translation jobs run through their attempts in about a second.
        "--worker-setting", $"Processing__MaxAttempts={Invariant(MaxAttempts)}",
        "--worker-setting", "Processing__RetryBaseDelayMs=200",
    ];

    public async Task InitializeAsync()
    {
        Stack = await StackInstance.StartAsync(StackArguments, StateDirectory, dashboard: WithDashboard);
        Gateway = CreateClient(ApiKey);
    }

    /// <summary>The development key AppHost minted: every scope.</summary>
    public string ApiKey => Stack.ApiKey;

    /// <summary>The command line this fixture's stack starts with; a fixture with other settings overrides it.</summary>
    protected virtual IEnumerable<string> StackArguments => Arguments;

    /// <summary>Whether the Aspire dashboard runs too (and the services export their telemetry to it).</summary>
    protected virtual bool WithDashboard => false;

    public string RedisConnectionString => Stack.RedisConnectionString;

    public string DatabaseConnectionString => Stack.DatabaseConnectionString;

    public IReadOnlyList<Uri> GatewayEndpoints => [.. Stack.Gateways.Select(Stack.Endpoint)];

    /// <summary>A client of one gateway instance, sending <paramref name="apiKey"/> unless it is null.</summary>
    public HttpClient CreateClient(string? apiKey, int gateway = 0, HttpMessageHandler? handler = null)
    {
        var client = handler is null ? new HttpClient() : new HttpClient(handler);
        client.BaseAddress = GatewayEndpoints[gateway];
        client.Timeout = TimeSpan.FromMinutes(2);
        if (apiKey is not null)
        {
            client.DefaultRequestHeaders.Add("X-API-Key", apiKey);
        }

        return client;
    }

    /// <summary>
    /// Stops every process of the stack, runs <paramref name="whileDown"/> (which may delete the data folders), and
    /// starts the stack again on the same state folder, so with the same secrets and key.
    /// </summary>
    public async Task RestartStackAsync(Action whileDown)
    {
        Gateway.Dispose();
        await Stack.DisposeAsync();
        whileDown();
        await InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        Gateway?.Dispose();
        if (Stack is not null)
        {
            await Stack.DisposeAsync();
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

    private static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>The database the stack stores its tables in (<see cref="StorageBackends"/>).</summary>
    public virtual string Backend => StorageBackends.MySql;

    /// <summary>The services' dialect for <see cref="Backend"/>.</summary>
    public StorageDialect Dialect => Backend == StorageBackends.PostgreSql ? new PostgreSqlDialect() : new MySqlDialect();

    /// <summary>The product's name as its dialect gives it ("MySQL rejected the record: …").</summary>
    public string DatabaseProduct => Dialect.DisplayName;

    /// <summary>A data source on the stack's database, set up as the services set up theirs (PostgreSQL sessions in UTC).</summary>
    public DbDataSource CreateDataSource() => Backend == StorageBackends.PostgreSql
        ? NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(DatabaseConnectionString) { Timezone = "UTC" })
        : new MySqlDataSource(DatabaseConnectionString);

    /// <summary>The stack's database through the driver-neutral API, for the tests every backend must pass.</summary>
    public DbConnection OpenStorage()
    {
        DbConnection connection = Backend == StorageBackends.PostgreSql
            ? new NpgsqlConnection(new NpgsqlConnectionStringBuilder(DatabaseConnectionString) { Timezone = "UTC" }.ConnectionString)
            : new MySqlConnection(DatabaseConnectionString);
        connection.Open();
        return connection;
    }

    /// <summary>The stack's MySQL, for the tests of what only MySQL has (its statistics, its binary log, its SQL modes).</summary>
    public MySqlConnection OpenDatabase()
    {
        var connection = new MySqlConnection(DatabaseConnectionString);
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

    /// <summary>The shards of a sessions or tasks stream in the stack's active layout; any other stream alone.</summary>
    public async Task<IReadOnlyList<string>> ShardsAsync(string stream)
    {
        if (!StreamShards.Sharded.Contains(stream))
        {
            return [stream];
        }

        await using var redis = await ConnectionMultiplexer.ConnectAsync(RedisConnectionString);
        return (await StreamLayout.ReadAsync(redis.GetDatabase(), StreamShards.DefaultCount)).Active.Of(stream);
    }

    /// <summary>The newest <paramref name="perShard"/> entries of each shard of a stream.</summary>
    public async Task<IReadOnlyList<StreamEntry>> RecentEntriesAsync(string stream, int perShard)
    {
        await using var redis = await ConnectionMultiplexer.ConnectAsync(RedisConnectionString);
        var entries = new List<StreamEntry>();
        foreach (var shard in await ShardsAsync(stream))
        {
            entries.AddRange(await redis.GetDatabase().StreamRangeAsync(shard, "-", "+", perShard, Order.Descending));
        }

        return entries;
    }

    /// <summary>Entries ever added to a stream, all its shards together (XINFO's entries-added): unaffected by trimming.</summary>
    public async Task<long> EntriesAddedAsync(string stream)
    {
        long total = 0;
        foreach (var shard in await ShardsAsync(stream))
        {
            total += await EntriesAddedToShardAsync(shard);
        }

        return total;
    }

    private async Task<long> EntriesAddedToShardAsync(string stream)
    {
        await using var redis = await ConnectionMultiplexer.ConnectAsync(RedisConnectionString);
        if (!await redis.GetDatabase().KeyExistsAsync(stream))
        {
            return 0;
        }

        var info = await redis.GetDatabase().ExecuteAsync("XINFO", "STREAM", (RedisKey)stream);
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
            using var response = await Gateway.PostAsync($"{ApiRoutes.Persistence.Flush}?timeout_ms={timeoutMs}", null);
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
        using var probe = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        foreach (var replica in Stack.ApiReplicas)
        {
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (true)
            {
                try
                {
                    using var response = await probe.GetAsync(new Uri(Stack.Endpoint(replica), "/health"));
                    if (response.IsSuccessStatusCode)
                    {
                        break;
                    }
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
                {
                    // Not up yet.
                }

                Assert.True(DateTime.UtcNow < deadline, $"{replica} did not become ready again.\n{LogTail()}");
                await Task.Delay(100);
            }
        }
    }

    public Task<HttpResponseMessage> PostTasksAsync(IEnumerable<object> tasks) =>
        Gateway.PostAsJsonAsync(ApiRoutes.Persistence.TasksBatch, new { tasks });

    public Task<HttpResponseMessage> PostSessionsAsync(IEnumerable<object> sessions) =>
        Gateway.PostAsJsonAsync(ApiRoutes.Persistence.SessionsBatch, new { sessions });

    /// <summary>A worker's operator command (<c>migrate</c>, <c>gc</c>) run against this stack's database, as an operator would.</summary>
    public async Task<(int ExitCode, string Output)> RunWorkerCommandAsync(params string[] arguments)
    {
        var assembly = BuildOutput.AssemblyPath(Path.Combine(BuildOutput.RepositoryRoot, "Translation.Worker", "Translation.Worker.csproj"));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        var (exitCode, output, error) = await ChildProcess.RunAsync(
            BuildOutput.DotnetHost,
            [assembly, .. arguments],
            new Dictionary<string, string> { ["ConnectionStrings__persistencedb"] = DatabaseConnectionString, ["Storage__Backend"] = Backend },
            Path.GetDirectoryName(assembly),
            timeout.Token);
        return (exitCode, output + error);
    }

    /// <summary>Lines of one process's log that contain <paramref name="text"/>, to explain a failure.</summary>
    public string LogLines(string resource, string text) => Stack.LogLines(resource, text);

    /// <summary>The last lines of every process's log, to explain a failure.</summary>
    public string LogTail(int lines = 15) => Stack.LogTail(lines);
}

[CollectionDefinition(Name)]
public sealed class StackDefinition : ICollectionFixture<StackFixture>
{
    public const string Name = "stack";
}
