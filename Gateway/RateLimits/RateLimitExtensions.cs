using Persistence.Contracts;
using StackExchange.Redis;

namespace Gateway.RateLimits;

public static class RateLimitExtensions
{
    /// <summary>Resource name of the Redis that holds the buckets (<c>ConnectionStrings:redis</c>).</summary>
    public const string RedisConnectionName = "redis";

    public static IHostApplicationBuilder AddRateLimits(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<RateLimitOptions>()
            .BindConfiguration(RateLimitOptions.SectionName)
            .ValidateProblems(options => options.Problems())
            .ValidateOnStart();

        var settings = builder.Configuration.GetSection(RateLimitOptions.SectionName).Get<RateLimitOptions>() ?? new RateLimitOptions();
        if (settings.Enabled)
        {
            // The client reads its connection string on first use, here the first request: a missing one must stop
            // the start instead.
            _ = ConnectionStrings.Require(builder.Configuration, RedisConnectionName);
            // Tracing of the bucket calls is off in appsettings.json (Aspire:StackExchange:Redis:DisableTracing): a
            // profiling session and a span for the one script call of every request, ~4 % of the gateway's CPU.
            builder.AddRedisClient(
                RedisConnectionName,
                // Failing open, a Redis outage must not make the gateway look unhealthy and take all traffic away.
                redis => redis.DisableHealthChecks = settings.FailureMode == RateLimitFailureMode.Open,
                options =>
                {
                    // Start even when Redis is down and keep reconnecting; come back within a second or so after a
                    // Redis restart instead of the library's 5 s back-off base.
                    options.AbortOnConnectFail = false;
                    options.ReconnectRetryPolicy = new ExponentialRetry(deltaBackOffMilliseconds: 250, maxDeltaBackOffMilliseconds: 5000);
                    // A bucket check waits at most RedisTimeoutMs, never on a backlog, before the failure mode applies.
                    options.BacklogPolicy = BacklogPolicy.FailFast;
                    options.AsyncTimeout = settings.RedisTimeoutMs;
                });
        }

        builder.Services.AddSingleton<RateLimitMetrics>();
        builder.Services.AddSingleton<RedisTokenBuckets>();
        builder.Services.AddSingleton<BodySlots>();
        builder.Services.AddSingleton<RateLimitMiddleware>();
        builder.Services.AddSingleton(TimeProvider.System);
        return builder;
    }
}
