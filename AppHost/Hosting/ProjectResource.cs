using System.Globalization;
using System.Reflection;

namespace AppHost.Hosting;

/// <summary>
/// One replica of a .NET service project, run as <c>dotnet &lt;Project&gt;.dll</c> from the build output, configured
/// only through environment variables in Aspire's conventions.
/// </summary>
public sealed class ProjectResource(string name, string projectName, string serviceName, int port) : Resource(name, "project")
{
    private static readonly HttpClient Probe = new() { Timeout = TimeSpan.FromSeconds(2) };

    public string ProjectName { get; } = projectName;

    /// <summary>The service name replicas share, as used by service discovery (<c>services__{name}__http__{i}</c>).</summary>
    public string ServiceName { get; } = serviceName;

    public int Port { get; } = port;

    public Uri HttpEndpoint => new($"http://127.0.0.1:{Port}");

    public Dictionary<string, string> Environment { get; } = new(StringComparer.Ordinal);

    public override IReadOnlyDictionary<string, string> Endpoints => new Dictionary<string, string> { ["http"] = HttpEndpoint.ToString().TrimEnd('/') };

    /// <summary>Passes a connection string as <c>ConnectionStrings__{name}</c> and waits for the resource.</summary>
    public ProjectResource WithReference<T>(T resource)
        where T : Resource, IResourceWithConnectionString
    {
        Environment[$"ConnectionStrings__{resource.ConnectionName}"] = resource.ConnectionString;
        WaitFor.Add(resource);
        return this;
    }

    /// <summary>Makes every replica discoverable as <c>services__{service}__http__{i}</c> and waits for them.</summary>
    public ProjectResource WithReference(IReadOnlyList<ProjectResource> replicas)
    {
        for (var i = 0; i < replicas.Count; i++)
        {
            Environment[string.Create(CultureInfo.InvariantCulture, $"services__{replicas[i].ServiceName}__http__{i}")] = replicas[i].HttpEndpoint.ToString().TrimEnd('/');
            WaitFor.Add(replicas[i]);
        }

        return this;
    }

    public ProjectResource WithEnvironment(IEnumerable<KeyValuePair<string, string>> settings)
    {
        foreach (var (key, value) in settings)
        {
            Environment[key] = value;
        }

        return this;
    }

    public override async Task StartAsync(StackContext context, CancellationToken cancellationToken)
    {
        var assembly = BuildOutput.AssemblyPath(ProjectName);
        var environment = new Dictionary<string, string>(Environment, StringComparer.Ordinal)
        {
            ["ASPNETCORE_URLS"] = HttpEndpoint.ToString().TrimEnd('/'),
            ["DOTNET_ENVIRONMENT"] = "Production",
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["OTEL_SERVICE_NAME"] = ServiceName,
            ["OTEL_RESOURCE_ATTRIBUTES"] = $"service.instance.id={Name}",
            ["Logging__Console__FormatterName"] = "simple",
            ["Logging__Console__FormatterOptions__SingleLine"] = "true",
            ["Logging__Console__FormatterOptions__TimestampFormat"] = "HH:mm:ss.fff ",
        };

        Process = ManagedProcess.Start(
            Name, BuildOutput.DotnetHost, [assembly], environment, context.LogDirectory, context.EchoLogs, Path.GetDirectoryName(assembly), Niceness);
        await WaitUntilHealthyAsync(TimeSpan.FromSeconds(90), cancellationToken);
    }

    /// <summary>Waits until <c>/health</c> answers 200: the replica and its dependencies can serve.</summary>
    public Task WaitUntilHealthyAsync(TimeSpan timeout, CancellationToken cancellationToken) =>
        WaitUntilReadyAsync(async token =>
        {
            using var response = await Probe.GetAsync(new Uri(HttpEndpoint, "/health"), token);
            return response.IsSuccessStatusCode;
        }, timeout, cancellationToken);

    /// <summary>Kills the replica without warning, as a crash would.</summary>
    public void Kill() => Process?.Kill();
}

/// <summary>Where the service projects' build output is, as recorded when AppHost itself was built.</summary>
public static class BuildOutput
{
    private static readonly Assembly Self = typeof(BuildOutput).Assembly;

    public static string RepositoryRoot { get; } = Metadata("RepositoryRoot");

    public static string Configuration { get; } = Metadata("Configuration");

    /// <summary>The dotnet host that runs us (the SDK sets DOTNET_HOST_PATH under dotnet run and dotnet test).</summary>
    public static string DotnetHost { get; } =
        System.Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host)
            ? host
            : System.Environment.ProcessPath is { } path && Path.GetFileNameWithoutExtension(path) == "dotnet" ? path : "dotnet";

    public static string AssemblyPath(string projectName)
    {
        var path = Path.Combine(RepositoryRoot, projectName, "bin", Configuration, "net10.0", projectName + ".dll");
        return File.Exists(path)
            ? path
            : throw new FileNotFoundException($"{projectName} is not built ({path}). Run `dotnet build` first.", path);
    }

    private static string Metadata(string key) =>
        Self.GetCustomAttributes<AssemblyMetadataAttribute>().FirstOrDefault(a => a.Key == key)?.Value
        ?? throw new InvalidOperationException($"AppHost was built without the {key} metadata.");
}
