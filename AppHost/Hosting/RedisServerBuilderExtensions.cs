using System.Globalization;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using StackExchange.Redis;

namespace AppHost.Hosting;

public static class RedisServerBuilderExtensions
{
    /// <summary>
    /// Redis for stream entries that were answered 202 and are not in MySQL yet: append-only file on,
    /// <c>noeviction</c>, bound to loopback with a password, data in <paramref name="dataDirectory"/>.
    /// </summary>
    public static IResourceBuilder<RedisServerResource> AddRedisServer(
        this IDistributedApplicationBuilder builder, string name, IResourceBuilder<ParameterResource> password, string dataDirectory, RedisDurability durability)
    {
        Directory.CreateDirectory(dataDirectory);
        var redis = new RedisServerResource(name, Prerequisites.Find("redis-server"), dataDirectory, password.Resource);

        string? connectionString = null;
        builder.Eventing.Subscribe<ConnectionStringAvailableEvent>(redis, async (_, cancellationToken) =>
            connectionString = await redis.ConnectionStringExpression.GetValueAsync(cancellationToken));

        var healthCheck = $"{name}_ping";
        builder.Services.AddHealthChecks().Add(new HealthCheckRegistration(
            healthCheck,
            _ => new RedisPing(() => connectionString),
            failureStatus: null,
            tags: null));

        return builder.AddResource(redis)
            .WithEndpoint(name: RedisServerResource.EndpointName, scheme: "redis", isProxied: false)
            .OnLoopback(RedisServerResource.EndpointName)
            .WithArgs(context =>
            {
                context.Args.Add("--port");
                context.Args.Add(redis.Endpoint.Property(EndpointProperty.TargetPort));
                context.Args.Add("--requirepass");
                context.Args.Add(redis.Password);
                foreach (var argument in durability.Arguments(dataDirectory))
                {
                    context.Args.Add(argument);
                }
            })
            .WithHealthCheck(healthCheck)
            .WithIconName("Database");
    }

    /// <summary>Ready when a fresh connection can PING; the shared stack's clients are not used for probing.</summary>
    private sealed class RedisPing(Func<string?> connectionString) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            if (connectionString() is not { } value)
            {
                return HealthCheckResult.Unhealthy("Redis has no address yet.");
            }

            try
            {
                var options = ConfigurationOptions.Parse(value);
                options.AbortOnConnectFail = true;
                options.ConnectTimeout = 1000;
                await using var connection = await ConnectionMultiplexer.ConnectAsync(options);
                var latency = await connection.GetDatabase().PingAsync();
                return HealthCheckResult.Healthy(string.Create(CultureInfo.InvariantCulture, $"PING {latency.TotalMilliseconds:F1} ms"));
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                return HealthCheckResult.Unhealthy("Redis does not answer.", ex);
            }
        }
    }
}
