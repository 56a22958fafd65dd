using System.Globalization;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Persistence.Contracts;
using StackExchange.Redis;

namespace AppHost.Hosting;

public static class RedisClusterBuilderExtensions
{
    /// <summary>
    /// <paramref name="masters"/> <c>redis-server</c> masters in cluster mode on loopback, shown as children of the
    /// cluster resource <paramref name="name"/>, whose connection string the services get. The masters are resources of
    /// their own, so their number is part of what the cluster is. It is ready once the cluster is formed and healthy,
    /// so whatever waits for it starts against a working cluster.
    /// </summary>
    public static IResourceBuilder<RedisClusterResource> AddRedisCluster(
        this IDistributedApplicationBuilder builder, string name, IResourceBuilder<ParameterResource> password, int masters)
    {
        var cluster = new RedisClusterResource(name, password.Resource);
        var resource = builder.AddResource(cluster)
            .WithInitialState(new CustomResourceSnapshot
            {
                ResourceType = "RedisCluster",
                State = KnownResourceStates.Waiting,
                Properties = [new("redis.cluster.masters", masters.ToString(CultureInfo.InvariantCulture))],
            })
            .WithIconName("DatabaseMultiple");

        for (var i = 0; i < masters; i++)
        {
            cluster.Add(builder.AddRedisServer(StackResources.RedisNode(i), password).WithParentRelationship(resource).Resource);
        }

        builder.Eventing.Subscribe<InitializeResourceEvent>(cluster, (@event, initializing) =>
        {
            var stopping = @event.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
            _ = Task.Run(() => FormAsync(cluster, @event, stopping), stopping);
            return Task.CompletedTask;
        });

        var healthCheck = $"{name}_cluster_state";
        builder.Services.AddHealthChecks().Add(new HealthCheckRegistration(healthCheck, _ => new ClusterHealthCheck(cluster), failureStatus: null, tags: null));
        return resource.WithHealthCheck(healthCheck);
    }

    /// <summary>
    /// The cluster's folder (created now): a folder of its own for each master (data, append-only file,
    /// <c>nodes.conf</c>), and the ports the masters keep across restarts (<see cref="RedisClusterPorts"/>).
    /// </summary>
    public static IResourceBuilder<RedisClusterResource> WithDataDirectory(this IResourceBuilder<RedisClusterResource> cluster, string directory)
    {
        Directory.CreateDirectory(directory);
        var ports = RedisClusterPorts.LoadOrAllocate(directory, cluster.Resource.Nodes.Count);
        for (var i = 0; i < cluster.Resource.Nodes.Count; i++)
        {
            var nodeDirectory = Path.Combine(directory, $"node-{i.ToString(CultureInfo.InvariantCulture)}");
            var (port, busPort) = ports[i];
            cluster.ApplicationBuilder.CreateResourceBuilder(cluster.Resource.Nodes[i])
                .WithDataDirectory(nodeDirectory)
                // Its peers know it by this port.
                .WithEndpoint(RedisServerResource.EndpointName, endpoint => (endpoint.Port, endpoint.TargetPort) = (port, port))
                .WithArgs(
                    "--cluster-enabled", "yes",
                    "--cluster-port", busPort.ToString(CultureInfo.InvariantCulture),
                    "--cluster-config-file", Path.Combine(nodeDirectory, "nodes.conf"),
                    "--cluster-node-timeout", "5000");
        }

        return cluster;
    }

    private static async Task FormAsync(RedisClusterResource cluster, InitializeResourceEvent @event, CancellationToken stopping)
    {
        try
        {
            await RedisClusterFormation.FormAsync(cluster, @event.Notifications, @event.Logger, stopping);
            await @event.Notifications.PublishUpdateAsync(cluster, state => state with { State = KnownResourceStates.Running, StartTimeStamp = DateTime.UtcNow });
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // AppHost stopped before the cluster was up.
        }
        catch (Exception ex)
        {
            // Everything that waits for the cluster fails to start with it, instead of waiting forever.
            RedisClusterFormation.Log.Failed(@event.Logger, ex.Message, ex);
            await @event.Notifications.PublishUpdateAsync(cluster, state => state with { State = KnownResourceStates.FailedToStart });
        }
    }

    /// <summary>
    /// Healthy when every node reports <c>cluster_state:ok</c> (all slots served) through a fresh connection of its
    /// own, the way the services reach the cluster.
    /// </summary>
    private sealed class ClusterHealthCheck(RedisClusterResource cluster) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            try
            {
                var options = ConfigurationOptions.Parse(await cluster.ConnectionStringExpression.GetValueAsync(cancellationToken) ?? "");
                options.AbortOnConnectFail = true;
                options.ConnectTimeout = 2000;
                await using var connection = await ConnectionMultiplexer.ConnectAsync(options);
                foreach (var endpoint in options.EndPoints)
                {
                    var info = (string?)await connection.GetServer(endpoint).ExecuteAsync("CLUSTER", "INFO").WaitAsync(cancellationToken) ?? "";
                    if (!info.Contains("cluster_state:ok", StringComparison.Ordinal))
                    {
                        return HealthCheckResult.Unhealthy($"{endpoint} does not report cluster_state:ok.");
                    }
                }

                var masters = connection.GetServer(options.EndPoints[0]).ClusterConfiguration?.Nodes.Where(n => !n.IsReplica).ToList() ?? [];
                var slots = masters.Sum(n => n.Slots.Sum(range => range.To - range.From + 1));
                return HealthCheckResult.Healthy(string.Create(CultureInfo.InvariantCulture, $"{masters.Count} masters serve {slots} of {RedisClusterFormation.Slots} slots."));
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException or InvalidOperationException)
            {
                return HealthCheckResult.Unhealthy("The Redis Cluster does not answer.", ex);
            }
        }
    }
}
