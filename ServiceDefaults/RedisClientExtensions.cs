using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using StackExchange.Redis;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Registers one shared <see cref="IConnectionMultiplexer"/> from <c>ConnectionStrings:{name}</c>, the way the
/// Aspire Redis client integration does (that package is not available here).
/// </summary>
public static class RedisClientExtensions
{
    public static IHostApplicationBuilder AddRedisClient(
        this IHostApplicationBuilder builder,
        string connectionName,
        Action<ConfigurationOptions>? configure = null,
        bool disableHealthChecks = false)
    {
        var connectionString = ConnectionStrings.Require(builder.Configuration, connectionName);

        var options = ConfigurationOptions.Parse(connectionString);
        // Start even when Redis is down and keep reconnecting; readiness reports the outage instead.
        options.AbortOnConnectFail = false;
        // Come back within a second or so after a Redis restart instead of the library's 5 s back-off base.
        options.ReconnectRetryPolicy = new ExponentialRetry(deltaBackOffMilliseconds: 250, maxDeltaBackOffMilliseconds: 5000);
        configure?.Invoke(options);

        builder.Services.AddSingleton<IConnectionMultiplexer>(_ => ConnectionMultiplexer.Connect(options));
        if (!disableHealthChecks)
        {
            builder.Services.AddHealthChecks().AddCheck<RedisHealthCheck>(connectionName);
        }

        return builder;
    }

    private sealed class RedisHealthCheck(IConnectionMultiplexer redis) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            try
            {
                var latency = await redis.GetDatabase().PingAsync().WaitAsync(cancellationToken);
                return HealthCheckResult.Healthy($"PING {latency.TotalMilliseconds:F1} ms");
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                return HealthCheckResult.Unhealthy("Redis does not answer.", ex);
            }
        }
    }
}
