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
            .Validate(options => options.Validate() is null, "Invalid RateLimits: each bucket needs PerSecond > 0 and Burst >= 1.")
            .ValidateOnStart();

        var settings = builder.Configuration.GetSection(RateLimitOptions.SectionName).Get<RateLimitOptions>() ?? new RateLimitOptions();
        if (settings.Enabled)
        {
            // Failing open, a Redis outage must not make the gateway look unhealthy and take all traffic away.
            builder.AddRedisClient(
                RedisConnectionName,
                options =>
                {
                    options.BacklogPolicy = BacklogPolicy.FailFast;
                    options.AsyncTimeout = settings.RedisTimeoutMs;
                },
                disableHealthChecks: settings.FailureMode == RateLimitFailureMode.Open);
        }

        builder.Services.AddSingleton<RateLimitMetrics>();
        builder.Services.AddSingleton<RedisTokenBuckets>();
        builder.Services.AddSingleton<RateLimitMiddleware>();
        builder.Services.AddSingleton(TimeProvider.System);
        return builder;
    }
}
