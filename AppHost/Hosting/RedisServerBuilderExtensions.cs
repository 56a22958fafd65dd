using System.Globalization;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using StackExchange.Redis;

namespace AppHost.Hosting;

public static class RedisServerBuilderExtensions
{
    /// <summary>
    /// Redis as a local process, bound to loopback with a password. Where it keeps its data is
    /// <see cref="WithDataDirectory"/>'s; how durably, <see cref="RedisDurabilityExtensions.WithDurability(IResourceBuilder{RedisServerResource}, RedisDurability)"/>'s.
    /// </summary>
    public static IResourceBuilder<RedisServerResource> AddRedisServer(this IDistributedApplicationBuilder builder, string name, IResourceBuilder<ParameterResource> password)
    {
        var redis = new RedisServerResource(name, Prerequisites.Find("redis-server"), password.Resource);

        var healthCheck = ConnectionStringHealthCheck.Register(builder, redis, PingAsync);

        // The password goes into an owner-only config file rather than the command line, which any local user can
        // read in /proc/<pid>/cmdline.
        builder.Eventing.Subscribe<BeforeResourceStartedEvent>(redis, async (_, cancellationToken) =>
            OwnerOnlyFile.Write(ConfigFile(redis), $"requirepass {await redis.Password.GetValueAsync(cancellationToken)}\n"));

        return builder.AddResource(redis)
            .WithEndpoint(name: RedisServerResource.EndpointName, scheme: "redis", isProxied: false)
            .OnLoopback(RedisServerResource.EndpointName)
            .WithArgs(context =>
            {
                context.Args.Add(ConfigFile(redis));
                context.Args.Add("--port");
                context.Args.Add(redis.Endpoint.Property(EndpointProperty.TargetPort));
                foreach (var argument in (string[])[
                    "--bind", "127.0.0.1",
                    "--protected-mode", "yes",
                    "--dir", redis.DataDirectory,
                    .. redis.Durability?.ServerArguments() ?? []])
                {
                    context.Args.Add(argument);
                }
            })
            .WithHealthCheck(healthCheck)
            .WithIconName("Database");
    }

    /// <summary>The folder the server runs in and keeps its files in (created now): append-only file, config file.</summary>
    public static IResourceBuilder<RedisServerResource> WithDataDirectory(this IResourceBuilder<RedisServerResource> redis, string directory)
    {
        redis.Resource.DataDirectory = directory;
        return redis.RunsIn(directory);
    }

    private static string ConfigFile(RedisServerResource redis) => Path.Combine(redis.DataDirectory, "redis.conf");

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
