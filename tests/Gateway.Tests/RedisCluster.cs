using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using StackExchange.Redis;

namespace Gateway.Tests;

/// <summary>
/// A real three-master Redis Cluster on loopback ports, started for one test class: the local stack has none, and
/// only a real cluster refuses a script whose keys hash to different slots. Bounded in time; processes and files
/// are removed afterwards.
/// </summary>
public sealed class RedisCluster : IAsyncLifetime
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "gateway-cluster-" + Guid.NewGuid().ToString("N")[..8]);
    private readonly List<Process> _servers = [];
    private ConnectionMultiplexer? _connection;

    public IConnectionMultiplexer Connection => _connection ?? throw new InvalidOperationException("The cluster is not started.");

    public async Task InitializeAsync()
    {
        using var timeout = new CancellationTokenSource(StartTimeout);
        var ports = FreePorts(3);
        foreach (var port in ports)
        {
            var directory = Directory.CreateDirectory(Path.Combine(_directory, port.ToString(System.Globalization.CultureInfo.InvariantCulture))).FullName;
            _servers.Add(Start("redis-server",
                "--port", Invariant(port), "--bind", "127.0.0.1", "--cluster-enabled", "yes", "--cluster-node-timeout", "2000",
                "--cluster-config-file", Path.Combine(directory, "nodes.conf"), "--dir", directory, "--logfile", Path.Combine(directory, "redis.log"),
                "--save", "", "--appendonly", "no"));
        }

        foreach (var port in ports)
        {
            await UntilAsync(() => RunAsync(timeout.Token, "-p", Invariant(port), "ping"), reply => reply.Contains("PONG", StringComparison.Ordinal), timeout.Token);
        }

        var create = await RunAsync(
            timeout.Token, ["--cluster", "create", .. ports.Select(p => $"127.0.0.1:{Invariant(p)}"), "--cluster-replicas", "0", "--cluster-yes"]);
        Assert.Contains("All 16384 slots covered", create, StringComparison.Ordinal);
        foreach (var port in ports)
        {
            await UntilAsync(
                () => RunAsync(timeout.Token, "-p", Invariant(port), "cluster", "info"),
                reply => reply.Contains("cluster_state:ok", StringComparison.Ordinal),
                timeout.Token);
        }

        var options = new ConfigurationOptions { ConnectTimeout = 5000 };
        foreach (var port in ports)
        {
            options.EndPoints.Add(IPAddress.Loopback, port);
        }

        _connection = await ConnectionMultiplexer.ConnectAsync(options);
        Assert.All(_connection.GetServers(), server => Assert.Equal(ServerType.Cluster, server.ServerType));
    }

    public async Task DisposeAsync()
    {
        if (_connection is not null)
        {
            await _connection.DisposeAsync();
        }

        foreach (var server in _servers)
        {
            try
            {
                server.Kill();
                await server.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromSeconds(10)).Token);
            }
            catch (InvalidOperationException)
            {
                // Already gone.
            }

            server.Dispose();
        }

        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // Left under the temp folder.
        }
    }

    private static Process Start(string file, params string[] arguments)
    {
        var info = new ProcessStartInfo(file) { UseShellExecute = false };
        arguments.ToList().ForEach(info.ArgumentList.Add);
        return Process.Start(info) ?? throw new InvalidOperationException($"{file} did not start.");
    }

    private static async Task<string> RunAsync(CancellationToken cancellationToken, params string[] arguments)
    {
        var info = new ProcessStartInfo("redis-cli") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        arguments.ToList().ForEach(info.ArgumentList.Add);
        using var cli = Process.Start(info) ?? throw new InvalidOperationException("redis-cli did not start.");
        var output = cli.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = cli.StandardError.ReadToEndAsync(cancellationToken);
        await cli.WaitForExitAsync(cancellationToken);
        return await output + await error;
    }

    private static async Task UntilAsync(Func<Task<string>> probe, Func<string, bool> done, CancellationToken cancellationToken)
    {
        while (!done(await probe()))
        {
            await Task.Delay(100, cancellationToken);
        }
    }

    /// <summary>Ports free now whose cluster bus port (port + 10000) is free as well.</summary>
    private static List<int> FreePorts(int count)
    {
        var ports = new List<int>();
        while (ports.Count < count)
        {
            var port = FreePort();
            if (port < 55_000 && !ports.Contains(port) && IsFree(port + 10_000))
            {
                ports.Add(port);
            }
        }

        return ports;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static string Invariant(int value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
