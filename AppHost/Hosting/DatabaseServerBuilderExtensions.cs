using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using MySqlConnector;

namespace AppHost.Hosting;

public static class DatabaseServerBuilderExtensions
{
    /// <summary>
    /// MariaDB as a local process with its data in <paramref name="stateDirectory"/>/<paramref name="name"/>. The first
    /// start initialises the folder; every start (re)applies the application user, its databases and the passwords
    /// through an init file that is deleted as soon as the server is ready. <paramref name="niceness"/> above 0 starts
    /// it through <c>nice</c>, which execs the server: same pid, and every thread it ever starts inherits the priority.
    /// </summary>
    public static IResourceBuilder<MariaDbServerResource> AddMariaDbServer(
        this IDistributedApplicationBuilder builder,
        string name,
        string user,
        IResourceBuilder<ParameterResource> password,
        IResourceBuilder<ParameterResource> rootPassword,
        string stateDirectory,
        int niceness = 0,
        DatabaseTuning? tuning = null,
        bool binaryLog = false)
    {
        var root = Path.Combine(stateDirectory, name);
        var dataDirectory = Path.Combine(root, "data");
        var initFile = Path.Combine(root, "init.sql");
        Directory.CreateDirectory(root);
        var server = Prerequisites.Find("mariadbd");
        var lowered = niceness > 0;
        var resource = new MariaDbServerResource(name, lowered ? Prerequisites.Find("nice") : server, root, user, password.Resource, rootPassword.Resource);

        builder.Eventing.Subscribe<BeforeResourceStartedEvent>(resource, async (_, cancellationToken) =>
        {
            if (!Directory.Exists(Path.Combine(dataDirectory, "mysql")))
            {
                Directory.CreateDirectory(dataDirectory);
                await InitializeDataDirectoryAsync(dataDirectory, cancellationToken);
            }

            var databases = builder.Resources.OfType<SchemaResource>().Where(s => s.Parent == resource).Select(s => s.DatabaseName);
            var script = InitScript(
                databases, user, await resource.Address.Password.GetValueAsync(cancellationToken) ?? "", await resource.RootPassword.GetValueAsync(cancellationToken) ?? "");
            foreach (var statements in resource.InitStatements)
            {
                script += await statements(cancellationToken);
            }

            OwnerOnlyFile.Write(initFile, script + "FLUSH PRIVILEGES;\n");
        });
        // Fired on every start and restart once the server answers the application user: the passwords are applied,
        // and the databases exist.
        builder.Eventing.Subscribe<ResourceReadyEvent>(resource, async (@event, _) =>
        {
            File.Delete(initFile);
            var notifications = @event.Services.GetRequiredService<ResourceNotificationService>();
            foreach (var schema in builder.Resources.OfType<SchemaResource>().Where(s => s.Parent == resource))
            {
                await notifications.PublishUpdateAsync(schema, state => state with { State = KnownResourceStates.Running });
            }
        });

        var healthCheck = ConnectionStringHealthCheck.Register(builder, resource, PingAsync);

        // Unix socket paths are limited to 108 bytes; keep it short and unique per data folder.
        var socket = Path.Combine(Path.GetTempPath(), $"ph-mysql-{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(dataDirectory)))[..12]}.sock");
        return builder.AddResource(resource)
            .WithEndpoint(name: MariaDbServerResource.EndpointName, scheme: "tcp", isProxied: false)
            .OnLoopback(MariaDbServerResource.EndpointName)
            .WithArgs(context =>
            {
                if (lowered)
                {
                    context.Args.Add("-n");
                    context.Args.Add(niceness.ToString(CultureInfo.InvariantCulture));
                    context.Args.Add(server);
                }

                context.Args.Add("--no-defaults");
                context.Args.Add($"--datadir={dataDirectory}");
                context.Args.Add(ReferenceExpression.Create($"--port={resource.Address.Endpoint.Property(EndpointProperty.TargetPort)}"));
                foreach (var argument in (string[])[
                    "--bind-address=127.0.0.1",
                    $"--socket={socket}",
                    $"--pid-file={Path.Combine(root, "mariadbd.pid")}",
                    $"--init-file={initFile}",
                    "--skip-name-resolve",
                    .. ServerSettings,
                    .. (tuning ?? DatabaseTuning.Default).Arguments(mariaDb: true),
                    .. binaryLog ? BinaryLog.ServerArguments(dataDirectory) : []])
                {
                    context.Args.Add(argument);
                }

                if (Environment.UserName == "root")
                {
                    context.Args.Add("--user=root");
                }
            })
            .WithHealthCheck(healthCheck)
            .WithIconName("Database");
    }

    /// <summary>MySQL 8.4 as a container with its data on a volume: the server of a deployment.</summary>
    public static IResourceBuilder<MySqlContainerResource> AddMySqlContainer(
        this IDistributedApplicationBuilder builder,
        string name,
        string user,
        IResourceBuilder<ParameterResource> password,
        IResourceBuilder<ParameterResource> rootPassword,
        DatabaseTuning? tuning = null)
    {
        var resource = new MySqlContainerResource(name, user, password.Resource);
        return builder.AddResource(resource)
            .WithImage("mysql", "8.4")
            .WithImageRegistry("docker.io")
            .WithEndpoint(name: MySqlContainerResource.EndpointName, targetPort: 3306, scheme: "tcp")
            .WithEnvironment("MYSQL_ROOT_PASSWORD", rootPassword)
            .WithEnvironment("MYSQL_USER", user)
            .WithEnvironment("MYSQL_PASSWORD", password)
            .WithVolume($"{name}-data", "/var/lib/mysql")
            .WithArgs([.. ServerSettings, .. (tuning ?? DatabaseTuning.Default).Arguments(mariaDb: false)]);
    }

    /// <summary>A database on the server, reached as <c>ConnectionStrings__{name}</c>.</summary>
    public static IResourceBuilder<SchemaResource> AddSchema<TServer>(this IResourceBuilder<TServer> server, string name, string databaseName)
        where TServer : IResourceWithConnectionString
    {
        if (server is IResourceBuilder<MySqlContainerResource> container)
        {
            // The official image creates one database, and grants it to MYSQL_USER, on the volume's first start.
            container.WithEnvironment("MYSQL_DATABASE", databaseName);
        }

        return server.ApplicationBuilder.AddResource(new SchemaResource(name, databaseName, server.Resource));
    }

    /// <summary>The server settings beside InnoDB's (<see cref="DatabaseTuning"/>), the same for the local process and the container.</summary>
    private static IEnumerable<string> ServerSettings =>
    [
        "--character-set-server=utf8mb4",
        "--collation-server=utf8mb4_bin",
        "--max-connections=500",
        "--max-allowed-packet=64M",
    ];

    private static async Task InitializeDataDirectoryAsync(string dataDirectory, CancellationToken cancellationToken)
    {
        List<string> arguments = ["--no-defaults", $"--datadir={dataDirectory}", "--auth-root-authentication-method=normal", "--skip-test-db"];
        if (Environment.UserName == "root")
        {
            arguments.Add("--user=root");
        }

        var (exitCode, output, error) = await ChildProcess.RunAsync(Prerequisites.Find("mariadb-install-db"), arguments, cancellationToken: cancellationToken);
        if (exitCode != 0)
        {
            throw new InvalidOperationException($"mariadb-install-db failed with code {exitCode}: {error}{output}");
        }
    }

    private static string InitScript(IEnumerable<string> databases, string user, string password, string rootPassword)
    {
        var script = new StringBuilder();
        script.AppendLine(CultureInfo.InvariantCulture, $"CREATE USER IF NOT EXISTS '{user}'@'127.0.0.1' IDENTIFIED BY '{password}';");
        script.AppendLine(CultureInfo.InvariantCulture, $"ALTER USER '{user}'@'127.0.0.1' IDENTIFIED BY '{password}';");
        foreach (var database in databases)
        {
            script.AppendLine(CultureInfo.InvariantCulture, $"CREATE DATABASE IF NOT EXISTS `{database}` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;");
            script.AppendLine(CultureInfo.InvariantCulture, $"GRANT ALL PRIVILEGES ON `{database}`.* TO '{user}'@'127.0.0.1';");
        }

        script.AppendLine(CultureInfo.InvariantCulture, $"ALTER USER 'root'@'localhost' IDENTIFIED BY '{rootPassword}';");
        return script.ToString();
    }

    /// <summary>Ready when the application user can log in: the init file's passwords are in force.</summary>
    private static async Task<HealthCheckResult> PingAsync(string connectionString, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = new MySqlConnection(new MySqlConnectionStringBuilder(connectionString) { Pooling = false, ConnectionTimeout = 2 }.ConnectionString);
            await connection.OpenAsync(cancellationToken);
            return await connection.PingAsync(cancellationToken) ? HealthCheckResult.Healthy() : HealthCheckResult.Unhealthy("MariaDB does not answer PING.");
        }
        catch (MySqlException ex)
        {
            return HealthCheckResult.Unhealthy("MariaDB does not answer.", ex);
        }
    }
}
