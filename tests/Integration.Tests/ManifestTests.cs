using System.Text.Json;
using System.Text.RegularExpressions;
using AppHost;
using AppHost.Hosting;
using Persistence.Contracts;

namespace Integration.Tests;

/// <summary>The same AppHost describes a deployable system: the manifest azd reads, written by Aspire's publisher.</summary>
public sealed partial class ManifestTests
{
    [Fact]
    public async Task The_published_manifest_has_every_resource_with_containers_for_Redis_and_MySQL_and_no_secret_in_plain_text()
    {
        var output = Path.Combine(Path.GetTempPath(), "manifest-" + Guid.NewGuid().ToString("N")[..8], "aspire-manifest.json");
        var (exitCode, log) = await RunAppHostAsync("--publisher", "manifest", "--output-path", output);
        Assert.True(exitCode == 0, log);

        var text = await File.ReadAllTextAsync(output);
        var resources = JsonDocument.Parse(text).RootElement.GetProperty("resources");
        string TypeOf(string name) => resources.GetProperty(name).GetProperty("type").GetString()!;

        Assert.Equal("container.v0", TypeOf(StackResources.Redis));
        Assert.Equal("container.v0", TypeOf(StackResources.MySql));
        Assert.StartsWith("docker.io/mysql:8.4", resources.GetProperty(StackResources.MySql).GetProperty("image").GetString(), StringComparison.Ordinal);
        Assert.NotEmpty(resources.GetProperty(StackResources.MySql).GetProperty("volumes").EnumerateArray());
        Assert.NotEmpty(resources.GetProperty(StackResources.Redis).GetProperty("volumes").EnumerateArray());
        // The published Redis keeps what the local one keeps: every acknowledged entry in the append-only file, nothing evicted.
        var redisCommand = string.Join(' ', resources.GetProperty(StackResources.Redis).GetProperty("args").EnumerateArray().Select(a => a.GetString()));
        Assert.Contains("--appendonly yes", redisCommand, StringComparison.Ordinal);
        Assert.Contains("--maxmemory-policy noeviction", redisCommand, StringComparison.Ordinal);

        // Three API replicas and one worker by default, each a project of its own with its references.
        string[] projects = [StackResources.ApiReplica(0), StackResources.ApiReplica(1), StackResources.ApiReplica(2), StackResources.WorkerInstance(0), StackResources.Gateway];
        foreach (var project in projects)
        {
            Assert.Equal("project.v0", TypeOf(project));
            var environment = resources.GetProperty(project).GetProperty("env");
            Assert.Equal("{redis.connectionString}", environment.GetProperty("ConnectionStrings__redis").GetString());
            if (project != StackResources.Gateway)
            {
                Assert.Equal("{persistencedb.connectionString}", environment.GetProperty("ConnectionStrings__persistencedb").GetString());
            }

            // MySQL is the services' default: they are not told it.
            Assert.False(environment.TryGetProperty("Storage__Backend", out _), project);
        }

        var gateway = resources.GetProperty(StackResources.Gateway);
        Assert.True(gateway.GetProperty("bindings").GetProperty("http").GetProperty("external").GetBoolean());
        // Its metrics are on a management port of their own, which is not published.
        var metrics = gateway.GetProperty("bindings").GetProperty(MetricsEndpoint.Name);
        Assert.False(metrics.TryGetProperty("external", out var metricsExternal) && metricsExternal.GetBoolean());
        Assert.Equal(MetricsEndpoint.PublishedPort, metrics.GetProperty("targetPort").GetInt32());
        Assert.Equal($"{{{StackResources.Gateway}.bindings.metrics.targetPort}}", gateway.GetProperty("env").GetProperty("Metrics__Port").GetString());
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal($"{{{StackResources.ApiReplica(i)}.bindings.http.url}}", gateway.GetProperty("env").GetProperty($"services__{StackResources.Api}__http__{i}").GetString());
        }

        // Only the gateway is reachable from outside.
        foreach (var project in projects.Where(p => p != StackResources.Gateway))
        {
            Assert.False(resources.GetProperty(project).GetProperty("bindings").GetProperty("http").TryGetProperty("external", out var external) && external.GetBoolean(), project);
        }

        // Every secret is a parameter the deployment generates; none is written out.
        foreach (var secret in (string[])["redis-password", "mysql-password", "mysql-root-password", "internal-credential"])
        {
            var input = resources.GetProperty(secret).GetProperty("inputs").GetProperty("value");
            Assert.True(input.GetProperty("secret").GetBoolean());
            Assert.True(input.GetProperty("default").TryGetProperty("generate", out _));
        }

        Assert.DoesNotMatch(LongHexOrKey(), text);
    }

    [Fact]
    public async Task Publishing_with_a_redis_cluster_is_refused_since_the_manifest_has_a_single_Redis()
    {
        var output = Path.Combine(Path.GetTempPath(), "manifest-" + Guid.NewGuid().ToString("N")[..8], "aspire-manifest.json");

        var (exitCode, log) = await RunAppHostAsync("--publisher", "manifest", "--output-path", output, "--redis-cluster", "3");

        Assert.Equal(2, exitCode);
        Assert.Contains("--redis-cluster runs the local stack only", log, StringComparison.Ordinal);
        Assert.False(File.Exists(output));
    }

    [Fact]
    public async Task With_postgres_the_manifest_has_a_PostgreSQL_container_on_a_volume_its_database_under_the_same_connection_name_and_no_MySQL()
    {
        var output = Path.Combine(Path.GetTempPath(), "manifest-" + Guid.NewGuid().ToString("N")[..8], "aspire-manifest.json");
        var (exitCode, log) = await RunAppHostAsync("--database", "postgres", "--publisher", "manifest", "--output-path", output);
        Assert.True(exitCode == 0, log);

        var text = await File.ReadAllTextAsync(output);
        var resources = JsonDocument.Parse(text).RootElement.GetProperty("resources");
        var postgres = resources.GetProperty(StackResources.Postgres);
        Assert.Equal("container.v0", postgres.GetProperty("type").GetString());
        Assert.StartsWith("docker.io/library/postgres:", postgres.GetProperty("image").GetString(), StringComparison.Ordinal);
        Assert.NotEmpty(postgres.GetProperty("volumes").EnumerateArray());
        // The image creates the database on the volume's first start.
        Assert.Equal("persistence", postgres.GetProperty("env").GetProperty("POSTGRES_DB").GetString());
        Assert.StartsWith("Host=", postgres.GetProperty("connectionString").GetString(), StringComparison.Ordinal);
        Assert.Equal(
            $"{{{StackResources.Postgres}.connectionString}};Database=persistence",
            resources.GetProperty(StackResources.Database).GetProperty("connectionString").GetString());
        Assert.False(resources.TryGetProperty(StackResources.MySql, out _));
        Assert.DoesNotContain(resources.EnumerateObject(), r => r.Name.StartsWith("mysql", StringComparison.Ordinal));

        // The replicas and the worker read the same connection name and are told the backend; the gateway needs neither.
        foreach (var project in (string[])[StackResources.ApiReplica(0), StackResources.ApiReplica(2), StackResources.WorkerInstance(0)])
        {
            var environment = resources.GetProperty(project).GetProperty("env");
            Assert.Equal($"{{{StackResources.Database}.connectionString}}", environment.GetProperty($"ConnectionStrings__{StackResources.Database}").GetString());
            Assert.Equal(StorageBackends.PostgreSql, environment.GetProperty("Storage__Backend").GetString());
        }

        Assert.False(resources.GetProperty(StackResources.Gateway).GetProperty("env").TryGetProperty("Storage__Backend", out _));
        var password = resources.GetProperty("postgres-superuser-password").GetProperty("inputs").GetProperty("value");
        Assert.True(password.GetProperty("secret").GetBoolean());
        Assert.True(password.GetProperty("default").TryGetProperty("generate", out _));
        Assert.DoesNotMatch(LongHexOrKey(), text);
    }

    /// <summary>What a generated password (48 hex digits) or an API key (<c>id.secret</c>) looks like in the local stack.</summary>
    [GeneratedRegex("[0-9a-f]{32,}|dev\\.[A-Za-z0-9_-]{20,}")]
    private static partial Regex LongHexOrKey();

    private static async Task<(int ExitCode, string Output)> RunAppHostAsync(params string[] arguments)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var (exitCode, output, error) = await ChildProcess.RunAsync(
            BuildOutput.DotnetHost, ["run", "--project", "AppHost", "--no-build", "--", .. arguments], workingDirectory: BuildOutput.RepositoryRoot, cancellationToken: timeout.Token);
        return (exitCode, output + error);
    }
}
