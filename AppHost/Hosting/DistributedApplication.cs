using System.Text.Json;
using System.Text.Json.Nodes;

namespace AppHost.Hosting;

/// <summary>
/// Starts resources in dependency order (independent ones together), records them in
/// <c>&lt;state&gt;/resources.json</c>, and stops them in reverse order. Disposing stops everything.
/// </summary>
public sealed class DistributedApplication(
    StackContext context,
    IReadOnlyList<Resource> resources,
    IReadOnlyDictionary<string, string> connectionStrings,
    IReadOnlyDictionary<string, string>? parameters = null)
    : IAsyncDisposable
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    private readonly List<Resource> _started = [];

    public StackContext Context { get; } = context;

    public IReadOnlyList<Resource> Resources { get; } = resources;

    public IReadOnlyDictionary<string, string> ConnectionStrings { get; } = connectionStrings;

    /// <summary>Values scripts need besides connection strings (the development API key, for one).</summary>
    public IReadOnlyDictionary<string, string> Parameters { get; } = parameters ?? new Dictionary<string, string>();

    public string ResourcesFile => Path.Combine(Context.StateDirectory, "resources.json");

    public T Get<T>(string name)
        where T : Resource => Resources.OfType<T>().Single(r => r.Name == name);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Context.StateDirectory);
        await Prerequisites.EnsureInstalledAsync(cancellationToken);
        StopLeftoversOfPreviousRun();

        var pending = Resources.ToList();
        while (pending.Count > 0)
        {
            var wave = pending.Where(r => r.WaitFor.All(_started.Contains)).ToList();
            if (wave.Count == 0)
            {
                throw new InvalidOperationException($"Circular wait between: {string.Join(", ", pending.Select(r => r.Name))}.");
            }

            var starts = wave.Select(async resource =>
            {
                await resource.StartAsync(Context, cancellationToken);
                lock (_started)
                {
                    _started.Add(resource);
                }
            }).ToList();
            try
            {
                await Task.WhenAll(starts);
            }
            finally
            {
                // Even a failed start may have left a process; make sure StopAsync sees it.
                foreach (var resource in wave.Where(r => r.Process is not null && !_started.Contains(r)))
                {
                    _started.Add(resource);
                }

                await WriteResourcesFileAsync();
            }

            pending.RemoveAll(wave.Contains);
        }
    }

    /// <summary>Restarts one resource with the same ports and settings (after a kill, for instance).</summary>
    public async Task RestartAsync(Resource resource, CancellationToken cancellationToken)
    {
        await resource.StopAsync();
        await resource.StartAsync(Context, cancellationToken);
        await WriteResourcesFileAsync();
    }

    public async Task StopAsync()
    {
        for (var i = _started.Count - 1; i >= 0; i--)
        {
            await _started[i].StopAsync();
        }

        _started.Clear();
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        foreach (var resource in Resources)
        {
            if (resource.Process is { } process)
            {
                await process.DisposeAsync();
            }
        }
    }

    public async Task WriteResourcesFileAsync()
    {
        var document = new JsonObject
        {
            ["stateDirectory"] = Context.StateDirectory,
            ["connectionStrings"] = new JsonObject(ConnectionStrings.Select(c => KeyValuePair.Create(c.Key, (JsonNode?)c.Value))),
            ["parameters"] = new JsonObject(Parameters.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)p.Value))),
            ["resources"] = new JsonArray(Resources.Select(r => (JsonNode)new JsonObject
            {
                ["name"] = r.Name,
                ["kind"] = r.Kind,
                ["pid"] = r.Process is { HasExited: false } p ? p.Id : null,
                ["endpoints"] = new JsonObject(r.Endpoints.Select(e => KeyValuePair.Create(e.Key, (JsonNode?)e.Value))),
            }).ToArray()),
        };
        var path = ResourcesFile;
        var temporary = path + ".tmp";
        await File.WriteAllTextAsync(temporary, document.ToJsonString(Indented));
        File.SetUnixFileMode(temporary, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>A previous run killed without cleanup may have left servers holding the data folders.</summary>
    private void StopLeftoversOfPreviousRun()
    {
        if (!File.Exists(ResourcesFile))
        {
            return;
        }

        try
        {
            var previous = JsonNode.Parse(File.ReadAllText(ResourcesFile))?["resources"]?.AsArray() ?? [];
            foreach (var pid in previous.Select(r => r?["pid"]?.GetValue<int?>()).OfType<int>())
            {
                if (IsOurs(pid))
                {
                    Console.WriteLine($"Stopping process {pid} left over from a previous run.");
                    ManagedProcess.KillIfRunning(pid);
                }
            }
        }
        catch (Exception ex) when (ex is IOException or JsonException or InvalidOperationException)
        {
            Console.WriteLine($"Could not read {ResourcesFile}: {ex.Message}");
        }
    }

    /// <summary>A server of this state folder, or one of our service projects (by its dll name).</summary>
    private bool IsOurs(int pid)
    {
        var commandLineFile = $"/proc/{pid}/cmdline";
        if (!File.Exists(commandLineFile))
        {
            return false;
        }

        var commandLine = File.ReadAllText(commandLineFile);
        return commandLine.Contains(Context.StateDirectory, StringComparison.Ordinal)
            || Resources.OfType<ProjectResource>().Any(p => commandLine.Contains(p.ProjectName + ".dll", StringComparison.Ordinal));
    }
}
