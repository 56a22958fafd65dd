using StackExchange.Redis;

namespace AppHost.Hosting;

/// <summary>
/// <c>redis-server</c> with the append-only file on (<c>appendfsync everysec</c>) and <c>noeviction</c>, so stream
/// entries are never dropped to make room; bound to loopback with a generated password.
/// </summary>
public sealed class RedisResource(string name, int port, string password, string appendFsync = "everysec", string maxMemory = "0")
    : Resource(name, "redis"), IResourceWithConnectionString
{
    public int Port { get; } = port;

    public string ConnectionName => Name;

    public string ConnectionString => $"127.0.0.1:{Port},password={password}";

    public override IReadOnlyDictionary<string, string> Endpoints => new Dictionary<string, string> { ["tcp"] = $"redis://127.0.0.1:{Port}" };

    public override async Task StartAsync(StackContext context, CancellationToken cancellationToken)
    {
        var dataDirectory = Path.Combine(context.StateDirectory, Name);
        Directory.CreateDirectory(dataDirectory);
        Process = ManagedProcess.Start(
            Name,
            Prerequisites.Find("redis-server"),
            [
                "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
                "--bind", "127.0.0.1",
                "--protected-mode", "yes",
                "--requirepass", password,
                "--dir", dataDirectory,
                "--appendonly", "yes",
                "--appendfsync", appendFsync,
                "--save", "",
                // Each append-only-file rewrite forks Redis, which stalls every client for the fork (15 ms measured
                // with 700 MB resident on this machine) and gives the child a share of the CPU. With the default
                // 64 MB threshold, full ingest load (about 20 MB of AOF a second) rewrote every few seconds; at 512 MB
                // it is about twice a minute, and a restart replays at most that much.
                "--auto-aof-rewrite-min-size", "512mb",
                // With noeviction, reaching maxmemory makes writes fail (the API answers 503) instead of dropping data.
                "--maxmemory", maxMemory,
                "--maxmemory-policy", "noeviction",
                "--daemonize", "no",
            ],
            new Dictionary<string, string>(),
            context.LogDirectory,
            context.EchoLogs);

        await WaitUntilReadyAsync(async token =>
        {
            var options = ConfigurationOptions.Parse(ConnectionString);
            options.AbortOnConnectFail = true;
            options.ConnectTimeout = 1000;
            await using var connection = await ConnectionMultiplexer.ConnectAsync(options);
            await connection.GetDatabase().PingAsync();
            return true;
        }, TimeSpan.FromSeconds(30), cancellationToken);
    }
}
