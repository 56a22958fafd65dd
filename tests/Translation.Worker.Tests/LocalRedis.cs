using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using StackExchange.Redis;

namespace Translation.Worker.Tests;

/// <summary>
/// A real redis-server on a free loopback port, without persistence, shared by the tests that need one: what the layout and the
/// restore's preparation do is decided by Redis itself (HSETNX, EXISTS, SCAN), so a fake would prove nothing.
/// </summary>
public sealed class LocalRedis : IAsyncLifetime
{
    private Process? _server;
    private ConnectionMultiplexer? _connection;

    public IConnectionMultiplexer Connection => _connection ?? throw new InvalidOperationException("Redis is not started.");

    public async Task InitializeAsync()
    {
        int port;
        using (var listener = new TcpListener(IPAddress.Loopback, 0))
        {
            listener.Start();
            port = ((IPEndPoint)listener.LocalEndpoint).Port;
        }

        var info = new ProcessStartInfo("redis-server") { UseShellExecute = false, RedirectStandardOutput = true };
        foreach (var argument in (string[])["--port", port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"])
        {
            info.ArgumentList.Add(argument);
        }

        _server = Process.Start(info) ?? throw new InvalidOperationException("redis-server did not start.");
        _ = _server.StandardOutput.ReadToEndAsync();
        var options = new ConfigurationOptions { EndPoints = { { IPAddress.Loopback, port } }, AllowAdmin = true, ConnectTimeout = 10_000, ConnectRetry = 20 };
        _connection = await ConnectionMultiplexer.ConnectAsync(options);
    }

    /// <summary>Empties the server between tests.</summary>
    public Task FlushAsync() => Connection.GetServers()[0].FlushAllDatabasesAsync();

    public async Task DisposeAsync()
    {
        if (_connection is not null)
        {
            await _connection.DisposeAsync();
        }

        if (_server is not null)
        {
            _server.Kill();
            await _server.WaitForExitAsync();
            _server.Dispose();
        }
    }
}

/// <summary>
/// The test classes that need Redis share one server, one class after another (each test flushes it first): two
/// servers started side by side could be handed the same free port.
/// </summary>
[CollectionDefinition(Name)]
public sealed class LocalRedisDefinition : ICollectionFixture<LocalRedis>
{
    public const string Name = "local redis";
}
