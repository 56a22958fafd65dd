using System.Globalization;
using AppHost;
using AppHost.Hosting;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;
using Persistence.Contracts;
using Stack.Testing;

namespace Integration.Tests;

/// <summary>
/// <c>--database postgres</c>: the local PostgreSQL process, its application role and database, and what the services
/// are told. Only the data stores are awaited: the services' SQL is being ported separately (issue 27), and until it
/// is they need not be healthy on PostgreSQL.
/// </summary>
public sealed class PostgresHostingTests : IAsyncLifetime
{
    private readonly string _stateDirectory = Path.Combine(Path.GetTempPath(), "persistence-pg-" + Guid.NewGuid().ToString("N")[..8]);

    private StackInstance? _stack;

    public async Task InitializeAsync() =>
        _stack = await StackInstance.StartAsync(
            ["--database", "postgres", "--replicas", "1", "--workers", "1"],
            _stateDirectory,
            // The orchestrator's start waits for the gateway, which waits for healthy replicas: until the services run on
            // PostgreSQL, that would be forever. Once they do, this goes, and the test waits for them too.
            configure: builder =>
            {
                foreach (var gateway in builder.Resources.OfType<ProjectResource>().Where(p => StackResources.IsOf(StackResources.Gateway, p.Name)))
                {
                    foreach (var wait in gateway.Annotations.OfType<WaitAnnotation>().ToList())
                    {
                        gateway.Annotations.Remove(wait);
                    }
                }
            },
            waitForServices: false);

    public async Task DisposeAsync()
    {
        if (_stack is not null)
        {
            await _stack.DisposeAsync();
        }

        try
        {
            Directory.Delete(_stateDirectory, recursive: true);
        }
        catch (IOException)
        {
            // Left for inspection; it is under the temp folder.
        }
    }

    [Fact]
    public async Task The_application_role_owns_its_database_on_a_loopback_server_not_run_as_root_which_the_services_are_told_of_and_which_comes_back_after_a_crash()
    {
        var stack = _stack!;
        Assert.Equal(StorageBackends.PostgreSql, stack.Backend);
        var address = new NpgsqlConnectionStringBuilder(stack.DatabaseConnectionString);
        Assert.Equal(("127.0.0.1", "persistence", "persistence"), (address.Host, address.Username, address.Database));

        await CreateAndDropATableAsync(stack.DatabaseConnectionString);

        // Every replica and worker is told which database its connection string leads to, as the orchestrator started it.
        var services = stack.App.Services.GetRequiredService<DistributedApplicationModel>().Resources.OfType<ProjectResource>()
            .Select(p => p.Name)
            .Where(name => StackResources.IsOf(StackResources.Api, name) || StackResources.IsOf(StackResources.Worker, name))
            .ToList();
        Assert.Equal(2, services.Count);
        foreach (var service in services)
        {
            var started = await stack.App.ResourceNotifications.WaitForResourceAsync(service, e => !e.Snapshot.EnvironmentVariables.IsEmpty);
            var environment = started.Snapshot.EnvironmentVariables.ToDictionary(v => v.Name, v => v.Value);
            Assert.Equal(StorageBackends.PostgreSql, environment["Storage__Backend"]);
            Assert.StartsWith("Host=127.0.0.1;Port=", environment[$"ConnectionStrings__{StackResources.Database}"], StringComparison.Ordinal);
        }

        var pid = await stack.WaitForProcessIdAsync(StackResources.Postgres);
        Assert.Equal("postgres", (await File.ReadAllTextAsync($"/proc/{pid}/comm")).Trim());
        var uids = (await File.ReadAllLinesAsync($"/proc/{pid}/status")).Single(line => line.StartsWith("Uid:", StringComparison.Ordinal))
            .Split('\t', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(id => int.Parse(id, CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(4, uids.Count);
        Assert.All(uids, uid => Assert.NotEqual(0, uid));

        // Killed as by the OOM killer, it is started again by the supervisor, over the same data.
        await stack.KillAsync(StackResources.Postgres);
        var restarted = await stack.WaitForProcessIdAsync(StackResources.Postgres, other: pid);
        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60)))
        {
            // Healthy as reported for the new process, not the last report of the killed one.
            await stack.App.ResourceNotifications.WaitForResourceAsync(
                StackResources.Postgres,
                e => e.Snapshot.HealthStatus == HealthStatus.Healthy
                    && e.Snapshot.Properties.Any(p => p.Name == "executable.pid" && Convert.ToString(p.Value, CultureInfo.InvariantCulture) == restarted.ToString(CultureInfo.InvariantCulture)),
                timeout.Token);
        }

        await CreateAndDropATableAsync(stack.DatabaseConnectionString);

        // Stopping the stack lets the server complete its shutdown checkpoint before the orchestrator's SIGKILL: the
        // cluster is left clean, not in need of crash recovery. (Its last log lines may miss the log file: the
        // orchestrator stops streaming them as it stops.)
        var data = Path.Combine(stack.StateDirectory, StackResources.Postgres, "data");
        _stack = null;
        await stack.DisposeAsync();
        var controlData = Path.Combine(Path.GetDirectoryName(File.ResolveLinkTarget(Prerequisites.Find("postgres"), returnFinalTarget: true)?.FullName ?? Prerequisites.Find("postgres"))!, "pg_controldata");
        var (exitCode, output, error) = await ChildProcess.RunAsync(controlData, ["-D", data]);
        Assert.True(exitCode == 0, error);
        Assert.Matches(@"Database cluster state:\s+shut down\n", output);
    }

    private static async Task CreateAndDropATableAsync(string databaseConnectionString)
    {
        // No pool: an idle pooled session would hold up the server's shutdown at the end.
        var connectionString = new NpgsqlConnectionStringBuilder(databaseConnectionString) { Pooling = false }.ConnectionString;
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using (var check = new NpgsqlCommand("SELECT rolsuper, current_setting('TimeZone') FROM pg_roles WHERE rolname = current_user", connection))
        await using (var reader = await check.ExecuteReaderAsync())
        {
            Assert.True(await reader.ReadAsync());
            Assert.False(reader.GetBoolean(0));
            Assert.Equal("UTC", reader.GetString(1));
        }

        await using var create = new NpgsqlCommand("CREATE TABLE hosting_probe (id bigint PRIMARY KEY, at timestamptz NOT NULL DEFAULT now()); INSERT INTO hosting_probe (id) VALUES (1);", connection);
        await create.ExecuteNonQueryAsync();
        await using var count = new NpgsqlCommand("SELECT count(*) FROM hosting_probe", connection);
        Assert.Equal(1L, await count.ExecuteScalarAsync());
        await using var drop = new NpgsqlCommand("DROP TABLE hosting_probe", connection);
        await drop.ExecuteNonQueryAsync();
    }
}
