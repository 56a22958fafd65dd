using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using MySqlConnector;

namespace AppHost.Hosting;

/// <summary>
/// MariaDB (<c>mariadbd</c>) in its own data folder, on loopback only. The first start initialises the folder; every
/// start (re)applies the application user, its database and the passwords through an init file that is deleted as
/// soon as the server is ready.
/// </summary>
public sealed class MySqlResource(string name, string connectionName, int port, string database, string user, string password, string rootPassword)
    : Resource(name, "mysql"), IResourceWithConnectionString
{
    public int Port { get; } = port;

    public string ConnectionName { get; } = connectionName;

    public string ConnectionString => new MySqlConnectionStringBuilder
    {
        Server = "127.0.0.1",
        Port = (uint)Port,
        Database = database,
        UserID = user,
        Password = password,
    }.ConnectionString;

    public override IReadOnlyDictionary<string, string> Endpoints => new Dictionary<string, string> { ["tcp"] = $"mysql://127.0.0.1:{Port}/{database}" };

    public override async Task StartAsync(StackContext context, CancellationToken cancellationToken)
    {
        var root = Path.Combine(context.StateDirectory, Name);
        var dataDirectory = Path.Combine(root, "data");
        var asRoot = Environment.UserName == "root";
        if (!Directory.Exists(Path.Combine(dataDirectory, "mysql")))
        {
            Directory.CreateDirectory(dataDirectory);
            await InitializeDataDirectoryAsync(context, dataDirectory, asRoot, cancellationToken);
        }

        var initFile = Path.Combine(root, "init.sql");
        await File.WriteAllTextAsync(initFile, InitScript(), cancellationToken);
        File.SetUnixFileMode(initFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);

        // Unix socket paths are limited to 108 bytes; keep it short and unique per data folder.
        var socket = Path.Combine(Path.GetTempPath(), $"ph-mysql-{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(dataDirectory)))[..12]}.sock");
        List<string> arguments =
        [
            "--no-defaults",
            $"--datadir={dataDirectory}",
            $"--port={Port.ToString(CultureInfo.InvariantCulture)}",
            "--bind-address=127.0.0.1",
            $"--socket={socket}",
            $"--pid-file={Path.Combine(root, "mariadbd.pid")}",
            $"--init-file={initFile}",
            "--skip-name-resolve",
            "--character-set-server=utf8mb4",
            "--collation-server=utf8mb4_bin",
            "--innodb-buffer-pool-size=256M",
            "--innodb-flush-log-at-trx-commit=1",
            "--max-connections=500",
            "--max-allowed-packet=64M",
        ];
        if (asRoot)
        {
            arguments.Add("--user=root");
        }

        Process = ManagedProcess.Start(
            Name, Prerequisites.Find("mariadbd"), arguments, new Dictionary<string, string>(), context.LogDirectory, context.EchoLogs, niceness: Niceness);
        try
        {
            await WaitUntilReadyAsync(async token =>
            {
                await using var connection = new MySqlConnection(ConnectionString);
                await connection.OpenAsync(token);
                return await connection.PingAsync(token);
            }, TimeSpan.FromSeconds(60), cancellationToken);
        }
        finally
        {
            File.Delete(initFile);
        }
    }

    private async Task InitializeDataDirectoryAsync(StackContext context, string dataDirectory, bool asRoot, CancellationToken cancellationToken)
    {
        List<string> arguments =
        [
            "--no-defaults",
            $"--datadir={dataDirectory}",
            "--auth-root-authentication-method=normal",
            "--skip-test-db",
        ];
        if (asRoot)
        {
            arguments.Add("--user=root");
        }

        await using var install = ManagedProcess.Start(
            Name + "-init", Prerequisites.Find("mariadb-install-db"), arguments, new Dictionary<string, string>(), context.LogDirectory, context.EchoLogs);
        await install.WaitForExitAsync(cancellationToken);
        if (install.ExitCode != 0)
        {
            throw new InvalidOperationException($"mariadb-install-db failed with code {install.ExitCode}; see {Name}-init.log.");
        }
    }

    private string InitScript() => $"""
        CREATE DATABASE IF NOT EXISTS `{database}` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;
        CREATE USER IF NOT EXISTS '{user}'@'127.0.0.1' IDENTIFIED BY '{password}';
        ALTER USER '{user}'@'127.0.0.1' IDENTIFIED BY '{password}';
        GRANT ALL PRIVILEGES ON `{database}`.* TO '{user}'@'127.0.0.1';
        ALTER USER 'root'@'localhost' IDENTIFIED BY '{rootPassword}';
        FLUSH PRIVILEGES;
        """;
}
