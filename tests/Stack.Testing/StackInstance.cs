using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using AppHost;
using AppHost.Hosting;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.Configuration;
using Persistence.Contracts;

namespace Stack.Testing;

/// <summary>
/// The whole stack as the AppHost composes it, started through Aspire.Hosting.Testing with the same command line a
/// user passes to <c>dotnet run --project AppHost</c>, in a state folder of its own and on free ports.
/// </summary>
public sealed class StackInstance : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(3);

    private StackInstance(DistributedApplication app, string stateDirectory, string apiKey, string redis, string backend, string database, Dashboard? dashboard)
    {
        Backend = backend;
        DashboardAccess = dashboard;
        App = app;
        StateDirectory = stateDirectory;
        ApiKey = apiKey;
        RedisConnectionString = redis;
        DatabaseConnectionString = database;
    }

    public DistributedApplication App { get; }

    public string StateDirectory { get; }

    /// <summary>The development key AppHost minted: every scope.</summary>
    public string ApiKey { get; }

    public string RedisConnectionString { get; }

    /// <summary>The database the stack keeps its tables in (<see cref="StorageBackends"/>' names), to pick the SQL client by.</summary>
    public string Backend { get; }

    /// <summary>The application's database as the services reach it: MySqlConnector's form, or Npgsql's with <see cref="StorageBackends.PostgreSql"/>.</summary>
    public string DatabaseConnectionString { get; }

    /// <summary>The database server's resource (<c>mysql</c> or <c>postgres</c>).</summary>
    public string DatabaseServer => Backend == StorageBackends.PostgreSql ? StackResources.Postgres : StackResources.MySql;

    public IReadOnlyList<string> ApiReplicas => Names(StackResources.Api);

    public IReadOnlyList<string> Workers => Names(StackResources.Worker);

    public IReadOnlyList<string> Gateways => Names(StackResources.Gateway);

    public string LogDirectory => ResourceLogFiles.LogDirectory(StateDirectory);

    /// <summary>The Aspire dashboard's address and the key of its telemetry API, when the stack runs with one.</summary>
    public Dashboard? DashboardAccess { get; }

    /// <summary>
    /// Starts the stack and waits until every resource is healthy. <paramref name="arguments"/> are AppHost options
    /// (<c>--replicas 2</c>, <c>--worker-setting Flush__BatchSize=500</c>, …); the state folder, a free gateway port
    /// and quiet logs are added unless given. Without <paramref name="waitForServices"/> it waits for the data stores
    /// only, for tests of the hosting itself.
    /// </summary>
    public static async Task<StackInstance> StartAsync(
        IEnumerable<string> arguments,
        string stateDirectory,
        bool dashboard = false,
        Action<IDistributedApplicationTestingBuilder>? configure = null,
        bool waitForServices = true,
        CancellationToken cancellationToken = default)
    {
        List<string> args = [.. arguments];
        var backend = StackOptions.Parse(args).Database;
        AddUnlessGiven(args, "--state-dir", stateDirectory);
        AddUnlessGiven(args, "--gateway-port", "0");
        if (!args.Contains("--quiet"))
        {
            args.Add("--quiet");
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(StartTimeout);
        var dashboardKey = dashboard ? Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)) : null;
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.AppHost>(
            [.. args],
            (options, settings) =>
            {
                options.DisableDashboard = dashboardKey is null;
                if (dashboardKey is not null)
                {
                    // No login for the browser, and a key for the telemetry API; the ports are randomized.
                    settings.Configuration ??= new();
                    settings.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
                    {
                        ["ASPIRE_DASHBOARD_UNSECURED_ALLOW_ANONYMOUS"] = "true",
                        ["AppHost:DashboardApiKey"] = dashboardKey,
                    });
                }
            },
            timeout.Token);
        configure?.Invoke(builder);
        DistributedApplication app;
        try
        {
            app = await builder.BuildAsync(timeout.Token);
        }
        catch
        {
            await builder.DisposeAsync();
            throw;
        }

        try
        {
            await app.StartAsync(timeout.Token);
            IEnumerable<string> awaited = waitForServices
                ? app.Services.GetModel().Resources.OfType<ProjectResource>().Select(p => p.Name)
                : [StackResources.Redis, backend == StorageBackends.PostgreSql ? StackResources.Postgres : StackResources.MySql];
            foreach (var resource in awaited)
            {
                await app.ResourceNotifications.WaitForResourceHealthyAsync(resource, timeout.Token);
            }

            var secrets = JsonSerializer.Deserialize<StateSecrets>(await File.ReadAllTextAsync(Path.Combine(stateDirectory, StateSecrets.FileName), timeout.Token))!;
            var redis = await app.GetConnectionStringAsync(StackResources.Redis, timeout.Token) ?? throw new InvalidOperationException("Redis has no connection string.");
            var database = await app.GetConnectionStringAsync(StackResources.Database, timeout.Token) ?? throw new InvalidOperationException("The database has no connection string.");
            var access = dashboardKey is null ? null : new Dashboard(await DashboardUrlAsync(stateDirectory, timeout.Token), dashboardKey);
            return new StackInstance(app, stateDirectory, secrets.DevelopmentApiKey!, redis, backend, database, access);
        }
        catch (Exception ex)
        {
            // Whatever did start (redis-server, mariadbd, the orchestrator) must not outlive the failed start.
            var tail = LogTail(ResourceLogFiles.LogDirectory(stateDirectory), 15);
            await app.DisposeAsync();
            throw new InvalidOperationException($"The stack did not start: {ex.Message}\n{tail}", ex);
        }
    }

    /// <summary>The HTTP address of a project resource (a gateway, a replica, a worker).</summary>
    public Uri Endpoint(string resource) => Endpoint(resource, "http");

    public Uri Endpoint(string resource, string endpointName) => App.GetEndpoint(resource, endpointName);

    public Uri GatewayEndpoint(int index = 0) => Endpoint(StackResources.GatewayInstance(index));

    /// <summary>
    /// The pid of the resource's process (a project runs its built assembly directly, so it is the service itself), as
    /// AppHost records it in resources.json.
    /// </summary>
    public int? ProcessId(string resource)
    {
        var file = StackStatus.FilePath(StateDirectory);
        try
        {
            var document = JsonNode.Parse(File.ReadAllText(file));
            return document?["resources"]?.AsArray().FirstOrDefault(r => r?["name"]?.GetValue<string>() == resource)?["pid"]?.GetValue<int?>();
        }
        catch (Exception ex) when (ex is IOException or JsonException)
        {
            // Not written yet.
            return null;
        }
    }

    /// <summary>The pid once the process is up, waiting for AppHost to see it.</summary>
    public async Task<int> WaitForProcessIdAsync(string resource, int? other = null, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        while (DateTime.UtcNow < deadline)
        {
            if (ProcessId(resource) is { } pid && pid != other && ProcessTree.IsRunning(pid))
            {
                return pid;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"{resource} has no running process.\n{LogTail(LogDirectory, 15)}");
    }

    /// <summary>SIGKILL of the resource's process, as a crash or an OOM kill: it gets no chance to finish anything.</summary>
    public async Task<int> KillAsync(string resource)
    {
        var pid = await WaitForProcessIdAsync(resource);
        _ = Signals.KillNow(pid);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (ProcessTree.IsRunning(pid) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        return pid;
    }

    /// <summary>SIGSTOP or SIGCONT: the process stays but does nothing, as a hung one.</summary>
    public async Task SignalAsync(string resource, int signal) => Signals.Send(await WaitForProcessIdAsync(resource), signal);

    public async Task StopResourceAsync(string resource) => await ExecuteAsync(resource, KnownResourceCommands.StopCommand);

    /// <summary>Starts a stopped resource and waits until it is healthy.</summary>
    public async Task StartResourceAsync(string resource)
    {
        await ExecuteAsync(resource, KnownResourceCommands.StartCommand);
        await WaitHealthyAgainAsync(resource);
    }

    /// <summary>Restarts with the same ports and settings (after a kill, for instance) and waits until it is healthy.</summary>
    public async Task RestartResourceAsync(string resource)
    {
        await ExecuteAsync(resource, KnownResourceCommands.RestartCommand);
        await WaitHealthyAgainAsync(resource);
    }

    /// <summary>Waits until a resource that was down (restarted by a command or by the supervisor) is healthy again.</summary>
    public async Task WaitHealthyAgainAsync(string resource, TimeSpan? timeout = null)
    {
        using var cancel = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(90));
        try
        {
            await App.ResourceNotifications.WaitForResourceHealthyAsync(resource, WaitBehavior.WaitOnResourceUnavailable, cancel.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"{resource} was not healthy again in time.\n{LogTail(LogDirectory, 15)}");
        }
    }

    /// <summary>The resource's state as the orchestrator last reported it (Running, Exited, Finished, …).</summary>
    public string? StateOf(string resource) =>
        App.ResourceNotifications.TryGetCurrentState(resource, out var current) ? current.Snapshot.State?.Text : null;

    public async Task<string> ExecuteAsync(string resource, string command)
    {
        var result = await App.ResourceCommands.ExecuteCommandAsync(resource, command);
        return result.Success ? result.Message ?? "" : throw new InvalidOperationException($"{command} on {resource} failed: {result.Message}");
    }

    /// <summary>Lines of one resource's log that contain <paramref name="text"/>, to explain a failure.</summary>
    public string LogLines(string resource, string text)
    {
        var file = Path.Combine(LogDirectory, resource + ".log");
        return File.Exists(file) ? string.Join('\n', ReadShared(file).Split('\n').Where(line => line.Contains(text, StringComparison.Ordinal))) : "";
    }

    /// <summary>The last lines of every resource's log, to explain a failure.</summary>
    public string LogTail(int lines = 15) => LogTail(LogDirectory, lines);

    public async ValueTask DisposeAsync() => await App.DisposeAsync();

    private static string LogTail(string directory, int lines) =>
        !Directory.Exists(directory)
            ? ""
            : string.Join('\n', Directory.GetFiles(directory, "*.log").Order().Select(file =>
                $"--- {Path.GetFileName(file)}\n" + string.Join('\n', ReadShared(file).Split('\n').TakeLast(lines))));

    private static string ReadShared(string file)
    {
        using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    private IReadOnlyList<string> Names(string role) =>
        [.. App.Services.GetModel().Resources.OfType<ProjectResource>().Select(r => r.Name).Where(n => StackResources.IsOf(role, n))];

    /// <summary>The dashboard's address, as AppHost records it in resources.json once the dashboard runs.</summary>
    private static async Task<Uri> DashboardUrlAsync(string stateDirectory, CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                if (JsonNode.Parse(await File.ReadAllTextAsync(StackStatus.FilePath(stateDirectory), cancellationToken))?["dashboard"]?.GetValue<string>() is { } url)
                {
                    return new Uri(url);
                }
            }
            catch (Exception ex) when (ex is IOException or JsonException)
            {
                // Not written yet.
            }

            await Task.Delay(200, cancellationToken);
        }
    }

    private static void AddUnlessGiven(List<string> args, string option, string value)
    {
        if (!args.Contains(option))
        {
            args.Add(option);
            args.Add(value);
        }
    }
}

/// <summary>Where the dashboard listens, and the key its telemetry API wants in <c>x-api-key</c>.</summary>
public sealed record Dashboard(Uri Url, string ApiKey);
