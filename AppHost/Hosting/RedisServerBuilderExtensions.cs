using System.Globalization;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using StackExchange.Redis;

namespace AppHost.Hosting;

public static class RedisServerBuilderExtensions
{
    /// <summary>
    /// Redis for stream entries that were answered 202 and are not in MySQL yet: append-only file on,
    /// <c>noeviction</c>, bound to loopback with a password, data in <paramref name="dataDirectory"/>. A cluster node
    /// passes the <paramref name="port"/> its peers know it by and its cluster settings as <paramref name="extraArguments"/>.
    /// </summary>
    public static IResourceBuilder<RedisServerResource> AddRedisServer(
        this IDistributedApplicationBuilder builder,
        string name,
        IResourceBuilder<ParameterResource> password,
        string dataDirectory,
        RedisDurability durability,
        int? port = null,
        IReadOnlyList<string>? extraArguments = null)
    {
        Directory.CreateDirectory(dataDirectory);
        var redis = new RedisServerResource(name, Prerequisites.Find("redis-server"), dataDirectory, password.Resource);

        var healthCheck = ConnectionStringHealthCheck.Register(builder, redis, PingAsync);

        // The password goes into an owner-only config file rather than the command line, which any local user can
        // read in /proc/<pid>/cmdline.
        var configFile = Path.Combine(dataDirectory, "redis.conf");
        builder.Eventing.Subscribe<BeforeResourceStartedEvent>(redis, async (_, cancellationToken) =>
            OwnerOnlyFile.Write(configFile, $"requirepass {await redis.Password.GetValueAsync(cancellationToken)}\n"));

        return builder.AddResource(redis)
            .WithEndpoint(name: RedisServerResource.EndpointName, scheme: "redis", port: port, targetPort: port, isProxied: false)
            .OnLoopback(RedisServerResource.EndpointName)
            .WithArgs(context =>
            {
                context.Args.Add(configFile);
                context.Args.Add("--port");
                context.Args.Add(redis.Endpoint.Property(EndpointProperty.TargetPort));
                foreach (var argument in durability.Arguments(dataDirectory).Concat(extraArguments ?? []))
                {
                    context.Args.Add(argument);
                }
            })
            .WithHealthCheck(healthCheck)
            .WithIconName("Database");
    }

    /// <summary>
    /// Ready when a fresh connection can PING this server; the services' own clients are not used for probing. The PING
    /// goes to the server itself: a keyless one on a cluster connection may be answered by any node.
    /// </summary>
    private static async Task<HealthCheckResult> PingAsync(string connectionString, CancellationToken cancellationToken)
    {
        try
        {
            var options = ConfigurationOptions.Parse(connectionString);
            options.AbortOnConnectFail = true;
            options.ConnectTimeout = 1000;
            await using var connection = await ConnectionMultiplexer.ConnectAsync(options);
            var latency = await connection.GetServer(options.EndPoints[0]).PingAsync().WaitAsync(cancellationToken);
            return HealthCheckResult.Healthy(string.Create(CultureInfo.InvariantCulture, $"PING {latency.TotalMilliseconds:F1} ms"));
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            return HealthCheckResult.Unhealthy("Redis does not answer.", ex);
        }
    }
}
