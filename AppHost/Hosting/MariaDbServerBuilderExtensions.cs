using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using MySqlConnector;

namespace AppHost.Hosting;

public static class MariaDbServerBuilderExtensions
{
    /// <summary>
    /// MariaDB as a local process whose application user <paramref name="user"/> gets every database added with
    /// <c>AddSchema</c>. The first start initialises the data folder (<see cref="WithDataDirectory"/>); every start
    /// (re)applies the application user, its databases and both passwords through an init file that is deleted as soon
    /// as the server is ready.
    /// </summary>
    public static IResourceBuilder<MariaDbServerResource> AddMariaDbServer(
        this IDistributedApplicationBuilder builder,
        string name,
        string user,
        IResourceBuilder<ParameterResource> password,
        IResourceBuilder<ParameterResource> rootPassword)
    {
        var resource = new MariaDbServerResource(name, Prerequisites.Find("mariadbd"), user, password.Resource, rootPassword.Resource);

        builder.Eventing.Subscribe<BeforeResourceStartedEvent>(resource, async (_, cancellationToken) =>
        {
            if (!Directory.Exists(Path.Combine(resource.DatabaseFiles, "mysql")))
            {
                Directory.CreateDirectory(resource.DatabaseFiles);
                await InitializeDataDirectoryAsync(resource.DatabaseFiles, cancellationToken);
            }

            var databases = builder.Resources.OfType<SchemaResource>().Where(s => s.Parent == resource).Select(s => s.DatabaseName);
            var script = InitScript(
                databases, user, await resource.Address.Password.GetValueAsync(cancellationToken) ?? "", await resource.RootPassword.GetValueAsync(cancellationToken) ?? "");
            foreach (var statements in resource.InitStatements)
            {
                script += await statements(cancellationToken);
            }

            OwnerOnlyFile.Write(InitFile(resource), script + "FLUSH PRIVILEGES;\n");
        });
        // Fired on every start and restart once the server answers the application user: the passwords are applied,
        // and the databases exist.
        builder.Eventing.Subscribe<ResourceReadyEvent>(resource, async (@event, _) =>
        {
            File.Delete(InitFile(resource));
            var notifications = @event.Services.GetRequiredService<ResourceNotificationService>();
            foreach (var schema in builder.Resources.OfType<SchemaResource>().Where(s => s.Parent == resource))
            {
                await notifications.PublishUpdateAsync(schema, state => state with { State = KnownResourceStates.Running });
            }
        });

        var healthCheck = ConnectionStringHealthCheck.Register(builder, resource, PingAsync);

        return builder.AddResource(resource)
            .WithEndpoint(name: MariaDbServerResource.EndpointName, scheme: "tcp", isProxied: false)
            .OnLoopback(MariaDbServerResource.EndpointName)
            .WithArgs(context =>
            {
                var dataDirectory = resource.DatabaseFiles;
                if (resource.Niceness > 0)
                {
                    context.Args.Add("-n");
                    context.Args.Add(resource.Niceness.ToString(CultureInfo.InvariantCulture));
                    context.Args.Add(resource.Server);
                }

                context.Args.Add("--no-defaults");
                context.Args.Add($"--datadir={dataDirectory}");
                context.Args.Add(ReferenceExpression.Create($"--port={resource.Address.Endpoint.Property(EndpointProperty.TargetPort)}"));
                foreach (var argument in (string[])[
                    "--bind-address=127.0.0.1",
                    $"--socket={Socket(dataDirectory)}",
                    $"--pid-file={Path.Combine(resource.DataDirectory, "mariadbd.pid")}",
                    $"--init-file={InitFile(resource)}",
                    "--skip-name-resolve",
                    .. DatabaseServerBuilderExtensions.ServerSettings,
                    .. resource.Tuning.Arguments(mariaDb: true),
                    .. resource.WritesBinaryLog ? BinaryLog.ServerArguments(dataDirectory) : []])
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

    /// <summary>The server's folder (created now): the database files in <c>data/</c>, the init and pid files beside.</summary>
    public static IResourceBuilder<MariaDbServerResource> WithDataDirectory(this IResourceBuilder<MariaDbServerResource> server, string directory)
    {
        server.Resource.DataDirectory = directory;
        return server.RunsIn(directory);
    }

    /// <summary>
    /// Above 0, starts the server through <c>nice</c>, which execs it: same pid, and every thread it ever starts
    /// inherits the priority.
    /// </summary>
    public static IResourceBuilder<MariaDbServerResource> WithNiceness(this IResourceBuilder<MariaDbServerResource> server, int niceness)
    {
        if (niceness <= 0)
        {
            return server;
        }

        server.Resource.Niceness = niceness;
        return server.WithCommand(Prerequisites.Find("nice"));
    }

    /// <summary>Writes the binary log (<see cref="BinaryLog"/>), which point-in-time recovery replays.</summary>
    public static IResourceBuilder<MariaDbServerResource> WithBinaryLog(this IResourceBuilder<MariaDbServerResource> server, bool enabled = true)
    {
        server.Resource.WritesBinaryLog = enabled;
        return server;
    }

    private static string InitFile(MariaDbServerResource server) => Path.Combine(server.DataDirectory, "init.sql");

    /// <summary>Unix socket paths are limited to 108 bytes; keep it short and unique per data folder.</summary>
    private static string Socket(string dataDirectory) =>
        Path.Combine(Path.GetTempPath(), $"ph-mysql-{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(dataDirectory)))[..12]}.sock");

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
