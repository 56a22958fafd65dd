using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace AppHost.Hosting;

/// <summary>
/// Keeps <c>&lt;state&gt;/resources.json</c> current (each resource's name, kind, the pid of its real process,
/// endpoints; connection strings; parameters such as the development key; the dashboard's address), for scripts and
/// for people, with the Prometheus scrape configuration beside it (<see cref="PrometheusScrapeConfig"/>), and prints the table of resources once every one of them is healthy.
/// </summary>
public sealed partial class StackStatus(
    DistributedApplicationModel model,
    ResourceNotificationService notifications,
    StackOptions options,
    StackParameters parameters,
    ILogger<StackStatus> logger) : BackgroundService
{
    public const string FileName = "resources.json";

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    private readonly ConcurrentDictionary<string, CustomResourceSnapshot> _snapshots = new();
    private readonly SemaphoreSlim _writing = new(1, 1);
    private string? _written;

    public static string FilePath(string stateDirectory) => Path.Combine(stateDirectory, FileName);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var watching = WatchAsync(stoppingToken);
        try
        {
            foreach (var resource in Shown())
            {
                await notifications.WaitForResourceHealthyAsync(resource.Name, stoppingToken);
            }

            await WriteAsync(stoppingToken);
            ReadyTable.Print(Rows(), options, parameters, DashboardUrl());
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopped before everything was up.
        }

        await watching;
    }

    private async Task WatchAsync(CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var change in notifications.WatchAsync(cancellationToken))
            {
                _snapshots[change.Resource.Name] = change.Snapshot;
                await WriteAsync(cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // AppHost is stopping.
        }
    }

    private IEnumerable<IResource> Shown() => model.Resources.Where(r => r is RedisClusterResource or RedisServerResource or MariaDbServerResource or PostgreSqlProcessResource or SchemaResource or ProjectResource);

    internal IReadOnlyList<ResourceRow> Rows() => [.. Shown().Select(resource =>
    {
        var snapshot = _snapshots.GetValueOrDefault(resource.Name);
        var endpoints = snapshot?.Urls.Where(u => !u.IsInternal && u.Name is not null).ToDictionary(u => u.Name!, u => u.Url) ?? [];
        return new ResourceRow(resource.Name, KindOf(resource), ProcessId(snapshot), endpoints);
    })];

    /// <summary>The browser's address of the dashboard (its other endpoints take OTLP).</summary>
    private string? DashboardUrl() =>
        _snapshots.Where(s => s.Key == SnapshotNames.Dashboard).SelectMany(s => s.Value.Urls)
            .FirstOrDefault(u => !u.IsInternal && u.Name?.StartsWith("otlp", StringComparison.OrdinalIgnoreCase) != true)?.Url;

    private static string KindOf(IResource resource) => resource switch
    {
        RedisClusterResource => "redis-cluster",
        RedisServerResource => "redis",
        MariaDbServerResource => "mysql",
        PostgreSqlProcessResource => "postgres",
        SchemaResource => "database",
        ProjectResource => "project",
        _ => "executable",
    };

    /// <summary>The process the orchestrator started (a project runs its built assembly directly, so it is the service itself).</summary>
    private static int? ProcessId(CustomResourceSnapshot? snapshot) =>
        snapshot is not null && KnownResourceStates.Running.Equals(snapshot.State?.Text, StringComparison.Ordinal)
            ? SnapshotNames.ProcessId(snapshot)
            : null;

    private async Task WriteAsync(CancellationToken cancellationToken)
    {
        await _writing.WaitAsync(cancellationToken);
        try
        {
            var connectionStrings = new JsonObject();
            foreach (var resource in model.Resources.OfType<IResourceWithConnectionString>().Where(r => r.Name == Persistence.Contracts.StackResources.Redis || r is SchemaResource))
            {
                connectionStrings[resource.Name] = await resource.ConnectionStringExpression.GetValueAsync(cancellationToken);
            }

            var document = new JsonObject
            {
                ["stateDirectory"] = options.StateDirectory,
                ["dashboard"] = DashboardUrl(),
                ["connectionStrings"] = connectionStrings,
                ["parameters"] = new JsonObject(parameters.Published.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)p.Value))),
                ["resources"] = new JsonArray([.. Rows().Select(row => (JsonNode)new JsonObject
                {
                    ["name"] = row.Name,
                    ["kind"] = row.Kind,
                    ["pid"] = row.ProcessId,
                    ["endpoints"] = new JsonObject(row.Endpoints.Select(e => KeyValuePair.Create(e.Key, (JsonNode?)e.Value))),
                })]),
            };
            // Health reports alone change the snapshots every few seconds; the file changes far less often.
            var content = document.ToJsonString(Indented);
            if (content != _written)
            {
                OwnerOnlyFile.Write(FilePath(options.StateDirectory), content);
                OwnerOnlyFile.Write(PrometheusScrapeConfig.FilePath(options.StateDirectory), PrometheusScrapeConfig.Render(
                    Rows(), File.Exists(PrometheusScrapeConfig.AlertRules) ? PrometheusScrapeConfig.AlertRules : null));
                _written = content;
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            Log.NotWritten(logger, ex.Message);
        }
        finally
        {
            _writing.Release();
        }
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Warning, "Could not write resources.json: {Message}")]
        public static partial void NotWritten(ILogger logger, string message);
    }
}

/// <summary>One line of the resource table.</summary>
public sealed record ResourceRow(string Name, string Kind, int? ProcessId, IReadOnlyDictionary<string, string> Endpoints);
