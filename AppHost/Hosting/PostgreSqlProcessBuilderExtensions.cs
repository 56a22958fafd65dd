using System.Globalization;
using System.Text;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace AppHost.Hosting;

public static class PostgreSqlProcessBuilderExtensions
{
    /// <summary>Matches MariaDB's: every API replica and worker holds a pool of its own.</summary>
    private const int MaxConnections = 500;

    /// <summary>
    /// PostgreSQL as a local process whose application role <paramref name="user"/> owns every database added with
    /// <c>AddSchema</c>. The first start initialises the data folder (<see cref="WithDataDirectory"/>); every start
    /// (re)applies the application role, its databases and both passwords in single-user mode before the server
    /// starts, as MariaDB's init file does, so the server is ready as soon as it accepts the role.
    /// </summary>
    public static IResourceBuilder<PostgreSqlProcessResource> AddPostgreSqlProcess(
        this IDistributedApplicationBuilder builder,
        string name,
        string user,
        IResourceBuilder<ParameterResource> password,
        IResourceBuilder<ParameterResource> superuserPassword)
    {
        var server = File.ResolveLinkTarget(Prerequisites.Find("postgres"), returnFinalTarget: true)?.FullName ?? Prerequisites.Find("postgres");
        var resource = new PostgreSqlProcessResource(name, server, user, password.Resource, superuserPassword.Resource);
        IEnumerable<string> Databases() => builder.Resources.OfType<SchemaResource>().Where(s => s.Parent == resource).Select(s => s.DatabaseName);

        builder.Eventing.Subscribe<BeforeResourceStartedEvent>(resource, async (_, cancellationToken) =>
        {
            PostgresAccount.AllowThrough(Path.GetDirectoryName(resource.DataDirectory)!);
            PostgresAccount.Own(resource.DataDirectory, directory: true);
            Directory.CreateDirectory(resource.SocketDirectory);
            PostgresAccount.Own(resource.SocketDirectory, directory: true);
            if (!File.Exists(Path.Combine(resource.DatabaseFiles, "PG_VERSION")))
            {
                await InitializeDataDirectoryAsync(resource, cancellationToken);
            }

            await ApplyAccountsAsync(resource, Databases(), cancellationToken);
        });
        builder.Eventing.Subscribe<ResourceReadyEvent>(resource, async (@event, _) =>
        {
            var notifications = @event.Services.GetRequiredService<ResourceNotificationService>();
            foreach (var schema in builder.Resources.OfType<SchemaResource>().Where(s => s.Parent == resource))
            {
                await notifications.PublishUpdateAsync(schema, state => state with { State = KnownResourceStates.Running });
            }
        });

        var healthCheck = ConnectionStringHealthCheck.Register(builder, resource, (connectionString, cancellationToken) =>
            PingAsync(connectionString, Databases().FirstOrDefault() ?? PostgreSqlProcessResource.Superuser, cancellationToken));

        return builder.AddResource(resource)
            .WithEndpoint(name: PostgreSqlProcessResource.EndpointName, scheme: "tcp", isProxied: false)
            .OnLoopback(PostgreSqlProcessResource.EndpointName)
            .WithArgs(context =>
            {
                var launcher = PostgresAccount.Launcher(resource.Server);
                if (resource.Niceness > 0)
                {
                    context.Args.Add("-n");
                    context.Args.Add(resource.Niceness.ToString(CultureInfo.InvariantCulture));
                    context.Args.Add(launcher[0]);
                }

                foreach (var argument in launcher.Skip(1))
                {
                    context.Args.Add(argument);
                }

                context.Args.Add("-D");
                context.Args.Add(resource.DatabaseFiles);
                context.Args.Add("-p");
                context.Args.Add(resource.Endpoint.Property(EndpointProperty.TargetPort));
                foreach (var setting in (string[])[
                    "listen_addresses=127.0.0.1",
                    $"unix_socket_directories={resource.SocketDirectory}",
                    // The services store UTC; the server's own clock functions and log lines agree with them.
                    "timezone=UTC",
                    "log_timezone=UTC",
                    $"max_connections={MaxConnections.ToString(CultureInfo.InvariantCulture)}",
                    // The server's files are on a local SSD, where a random read costs about what a sequential one does.
                    // At the default of 4 (spinning disks) the planner prices each row an index fetches from wherever in
                    // the heap at four sequential pages, so a filtered list walks its sort column's index (whose order
                    // the heap follows) and drops most rows rather than read the (filter, sort) index made for it.
                    "random_page_cost=1.1"])
                {
                    context.Args.Add("-c");
                    context.Args.Add(setting);
                }
            })
            .WithHealthCheck(healthCheck)
            .WithIconName("Database");
    }

    /// <summary>The server's folder (created now): the cluster in <c>data/</c>; initdb's password file passes through it.</summary>
    public static IResourceBuilder<PostgreSqlProcessResource> WithDataDirectory(this IResourceBuilder<PostgreSqlProcessResource> server, string directory)
    {
        server.Resource.DataDirectory = directory;
        return server.RunsIn(directory);
    }

    /// <summary>
    /// Above 0, starts the server through <c>nice</c>, which execs it (as <c>setpriv</c> does): same pid, and every
    /// backend it forks inherits the priority.
    /// </summary>
    public static IResourceBuilder<PostgreSqlProcessResource> WithNiceness(this IResourceBuilder<PostgreSqlProcessResource> server, int niceness)
    {
        if (niceness <= 0)
        {
            return server;
        }

        server.Resource.Niceness = niceness;
        return server.WithCommand(Prerequisites.Find("nice"));
    }

    /// <summary>
    /// initdb into a folder beside the final one, renamed once complete: an interrupted first start leaves no
    /// half-made cluster that the next start would take for a real one.
    /// </summary>
    private static async Task InitializeDataDirectoryAsync(PostgreSqlProcessResource server, CancellationToken cancellationToken)
    {
        var staging = server.DatabaseFiles + ".init";
        if (Directory.Exists(staging))
        {
            Directory.Delete(staging, recursive: true);
        }

        // initdb reads the superuser's password from a file, never the command line; the account must read it.
        var passwordFile = Path.Combine(server.DataDirectory, "initdb-password");
        OwnerOnlyFile.Write(passwordFile, await server.SuperuserPassword.GetValueAsync(cancellationToken) ?? "");
        try
        {
            PostgresAccount.Own(passwordFile, directory: false);
            var initdb = Path.Combine(Path.GetDirectoryName(server.Server)!, "initdb");
            var (exitCode, output, error) = await RunAsync(
                initdb,
                ["-D", staging, "-U", PostgreSqlProcessResource.Superuser, "--auth=scram-sha-256", $"--pwfile={passwordFile}", "-E", "UTF8", "--locale=C.UTF-8"],
                input: null,
                cancellationToken);
            if (exitCode != 0)
            {
                throw new InvalidOperationException($"initdb failed with code {exitCode}: {error}{output}");
            }
        }
        finally
        {
            File.Delete(passwordFile);
        }

        Directory.Move(staging, server.DatabaseFiles);
    }

    /// <summary>
    /// The application role with its password, the superuser's password, and the databases the role owns, in
    /// single-user mode (no network, no authentication; about 0.15 s). Statements go in on standard input, so no
    /// password is ever on a command line or in a file. Single-user mode carries on past an error and exits 0, so
    /// its log is what tells.
    /// </summary>
    private static async Task ApplyAccountsAsync(PostgreSqlProcessResource server, IEnumerable<string> databases, CancellationToken cancellationToken)
    {
        var names = databases.ToList();
        var role = Identifier(server.User);
        var accounts = new StringBuilder();
        // One statement per line: a newline ends each in single-user mode.
        accounts.AppendLine(CultureInfo.InvariantCulture, $"DO $$BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = {Literal(server.User)}) THEN CREATE ROLE {role}; END IF; END$$;");
        accounts.AppendLine(CultureInfo.InvariantCulture, $"ALTER ROLE {role} WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD {Literal(await server.Password.GetValueAsync(cancellationToken) ?? "")};");
        accounts.AppendLine(CultureInfo.InvariantCulture, $"ALTER ROLE {Identifier(PostgreSqlProcessResource.Superuser)} WITH PASSWORD {Literal(await server.SuperuserPassword.GetValueAsync(cancellationToken) ?? "")};");
        if (names.Count > 0)
        {
            accounts.AppendLine(CultureInfo.InvariantCulture, $"SELECT 'present:' || datname FROM pg_database WHERE datname IN ({string.Join(", ", names.Select(Literal))});");
        }

        var present = await SingleUserAsync(server, accounts.ToString(), cancellationToken);

        // CREATE DATABASE has no IF NOT EXISTS and cannot run in a DO block: only those missing, in a second pass.
        var missing = names.Where(name => !present.Contains($"\"present:{name}\"", StringComparison.Ordinal)).ToList();
        if (missing.Count > 0)
        {
            await SingleUserAsync(
                server,
                string.Concat(missing.Select(name => $"CREATE DATABASE {Identifier(name)} OWNER {role} ENCODING 'UTF8' TEMPLATE template0;\n")),
                cancellationToken);
        }
    }

    private static async Task<string> SingleUserAsync(PostgreSqlProcessResource server, string statements, CancellationToken cancellationToken)
    {
        var (exitCode, output, error) = await RunAsync(
            server.Server, ["--single", "-D", server.DatabaseFiles, "-c", "timezone=UTC", PostgreSqlProcessResource.Superuser], statements, cancellationToken);
        if (exitCode != 0 || error.Contains("ERROR:", StringComparison.Ordinal) || error.Contains("FATAL:", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"PostgreSQL's single-user setup failed with code {exitCode}: {error}");
        }

        return output;
    }

    private static Task<(int ExitCode, string Output, string Error)> RunAsync(string program, IEnumerable<string> arguments, string? input, CancellationToken cancellationToken)
    {
        var launcher = PostgresAccount.Launcher(program);
        return input is null
            ? ChildProcess.RunAsync(launcher[0], [.. launcher.Skip(1), .. arguments], cancellationToken: cancellationToken)
            : ChildProcess.RunWithInputAsync(launcher[0], [.. launcher.Skip(1), .. arguments], input, cancellationToken);
    }

    private static string Identifier(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private static string Literal(string value) => "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";

    /// <summary>Ready when the application role can log in to its database: the passwords are in force and the database exists.</summary>
    private static async Task<HealthCheckResult> PingAsync(string connectionString, string database, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Database = database, Pooling = false, Timeout = 2 }.ConnectionString);
            await connection.OpenAsync(cancellationToken);
            await using var command = new NpgsqlCommand("SELECT 1", connection);
            await command.ExecuteScalarAsync(cancellationToken);
            return HealthCheckResult.Healthy();
        }
        catch (NpgsqlException ex)
        {
            return HealthCheckResult.Unhealthy("PostgreSQL does not accept the application role.", ex);
        }
    }
}
