using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using StackExchange.Redis;

namespace Gateway.Tests;

/// <summary>One real redis-server on a free loopback port, with no persistence, for one test; killed and removed after.</summary>
public sealed class LocalRedis : IAsyncDisposable
{
    private readonly Process _server;
    private readonly string _directory;

    private LocalRedis(Process server, string directory, int port)
    {
        _server = server;
        _directory = directory;
        Port = port;
    }

    public int Port { get; }

    public string Endpoint => $"127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}";

    public static async Task<LocalRedis> StartAsync()
    {
        var directory = Directory.CreateTempSubdirectory("gateway-redis-").FullName;
        int port;
        using (var listener = new TcpListener(IPAddress.Loopback, 0))
        {
            listener.Start();
            port = ((IPEndPoint)listener.LocalEndpoint).Port;
        }

        var info = new ProcessStartInfo("redis-server") { UseShellExecute = false, RedirectStandardOutput = true };
        foreach (var argument in new[]
                 {
                     "--port", port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--dir", directory, "--save", "",
                     "--appendonly", "no",
                 })
        {
            info.ArgumentList.Add(argument);
        }

        var server = Process.Start(info) ?? throw new InvalidOperationException("redis-server did not start.");
        var redis = new LocalRedis(server, directory, port);
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            try
            {
                await using var probe = await ConnectionMultiplexer.ConnectAsync(redis.Endpoint);
                return redis;
            }
            catch (RedisConnectionException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            _server.Kill();
            await _server.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromSeconds(10)).Token);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }

        _server.Dispose();
        Directory.Delete(_directory, recursive: true);
    }
}
