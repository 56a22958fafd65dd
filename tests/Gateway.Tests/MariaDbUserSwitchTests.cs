using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using MySqlConnector;

namespace Gateway.Tests;

/// <summary>
/// The MariaDB password rotation of docs/operations.md ("Rotating secrets") on a real mariadbd: two users with the
/// same grants take turns, services move from one to the other one at a time, and the old one is locked last.
/// </summary>
public sealed class MariaDbUserSwitchTests : IAsyncLifetime
{
    private readonly string _directory = Directory.CreateTempSubdirectory("gateway-mariadb-").FullName;
    private Process? _server;
    private int _port;

    private string Socket => Path.Combine(_directory, "s.sock");

    public async Task InitializeAsync()
    {
        var data = Path.Combine(_directory, "data");
        string[] user = Environment.UserName == "root" ? ["--user=root"] : [];
        // Seen once to exit 1 while another suite's stack initialised its own data folder at the same moment: the
        // output goes into the message, and a second attempt into a clean folder settles a passing clash.
        var failures = new List<string>();
        for (var attempt = 0; attempt < 2 && (attempt == 0 || failures.Count == attempt); attempt++)
        {
            if (Directory.Exists(data))
            {
                Directory.Delete(data, recursive: true);
            }

            using var install = Process.Start(new ProcessStartInfo("mariadb-install-db", ["--no-defaults", $"--datadir={data}", "--skip-test-db", .. user])
            { RedirectStandardOutput = true, RedirectStandardError = true })!;
            var output = install.StandardOutput.ReadToEndAsync();
            var error = install.StandardError.ReadToEndAsync();
            await install.WaitForExitAsync();
            if (install.ExitCode != 0)
            {
                failures.Add($"exit {install.ExitCode}: {await error}{await output}");
                await Task.Delay(1000);
            }
        }

        Assert.True(failures.Count < 2, "mariadb-install-db failed twice:\n" + string.Join("\n", failures));

        using (var listener = new TcpListener(IPAddress.Loopback, 0))
        {
            listener.Start();
            _port = ((IPEndPoint)listener.LocalEndpoint).Port;
        }

        _server = Process.Start(new ProcessStartInfo(
            "/usr/sbin/mariadbd",
            ["--no-defaults", $"--datadir={data}", $"--port={_port.ToString(CultureInfo.InvariantCulture)}", "--bind-address=127.0.0.1",
             $"--socket={Socket}", $"--pid-file={Path.Combine(_directory, "m.pid")}", "--skip-name-resolve", .. user])
        { RedirectStandardError = true, RedirectStandardOutput = true })!;
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            try
            {
                await using var root = await OpenAsync($"Server={Socket};Protocol=Unix;User ID=root");
                break;
            }
            catch (MySqlException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(200);
            }
        }
    }

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            _server.Kill();
            await _server.WaitForExitAsync();
            _server.Dispose();
        }

        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task Two_users_with_the_same_grants_let_services_move_to_a_new_password_while_the_old_pool_keeps_working()
    {
        await using (var root = await OpenAsync($"Server={Socket};Protocol=Unix;User ID=root"))
        {
            await ExecuteAsync(root,
                "CREATE DATABASE persistence",
                "CREATE TABLE persistence.t (id INT PRIMARY KEY AUTO_INCREMENT, who VARCHAR(32))",
                "CREATE USER 'persistence_a'@'127.0.0.1' IDENTIFIED BY 'a-old'",
                "GRANT ALL ON persistence.* TO 'persistence_a'@'127.0.0.1'",
                "CREATE USER 'persistence_b'@'127.0.0.1' IDENTIFIED BY 'b-unused'",
                "GRANT ALL ON persistence.* TO 'persistence_b'@'127.0.0.1'");
        }

        // A service running as persistence_a keeps a connection open throughout.
        await using var running = await OpenAsync(Tcp("persistence_a", "a-old"));
        await ExecuteAsync(running, "INSERT INTO persistence.t (who) VALUES ('a before')");

        // 1. New password on the user not in use; 2. services restart one by one as persistence_b.
        await using (var root = await OpenAsync($"Server={Socket};Protocol=Unix;User ID=root"))
        {
            await ExecuteAsync(root, "ALTER USER 'persistence_b'@'127.0.0.1' IDENTIFIED BY 'b-new'");
        }

        await using var restarted = await OpenAsync(Tcp("persistence_b", "b-new"));
        await ExecuteAsync(restarted, "INSERT INTO persistence.t (who) VALUES ('b')");
        await ExecuteAsync(running, "INSERT INTO persistence.t (who) VALUES ('a during')");

        // 3. Everyone runs as persistence_b: lock persistence_a. New logins as _a fail; _b goes on.
        await using (var root = await OpenAsync($"Server={Socket};Protocol=Unix;User ID=root"))
        {
            await ExecuteAsync(root, "ALTER USER 'persistence_a'@'127.0.0.1' ACCOUNT LOCK");
        }

        await Assert.ThrowsAsync<MySqlException>(async () => await OpenAsync(Tcp("persistence_a", "a-old")));
        await ExecuteAsync(restarted, "INSERT INTO persistence.t (who) VALUES ('b after')");
        await using var count = new MySqlCommand("SELECT COUNT(*) FROM persistence.t", restarted);
        Assert.Equal(4L, Convert.ToInt64(await count.ExecuteScalarAsync(), CultureInfo.InvariantCulture));
    }

    private string Tcp(string user, string password) =>
        $"Server=127.0.0.1;Port={_port.ToString(CultureInfo.InvariantCulture)};User ID={user};Password={password};Pooling=false";

    private static async Task<MySqlConnection> OpenAsync(string connectionString)
    {
        var connection = new MySqlConnection(connectionString);
        try
        {
            await connection.OpenAsync();
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    private static async Task ExecuteAsync(MySqlConnection connection, params string[] statements)
    {
        foreach (var statement in statements)
        {
            await using var command = new MySqlCommand(statement, connection);
            await command.ExecuteNonQueryAsync();
        }
    }
}
