using System.Net;
using System.Net.Sockets;
using Gateway.RateLimits;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;

namespace Gateway.Tests;

/// <summary>What the failure modes do when the limiter's Redis is really unreachable (a closed local port).</summary>
public sealed class RedisTokenBucketsTests
{
    [Theory]
    [InlineData(RateLimitFailureMode.Open, true)]
    [InlineData(RateLimitFailureMode.Closed, false)]
    public async Task An_unreachable_Redis_decides_by_the_failure_mode(RateLimitFailureMode mode, bool allowed)
    {
        using var redis = await ConnectionMultiplexer.ConnectAsync(new ConfigurationOptions
        {
            EndPoints = { { IPAddress.Loopback, ClosedPort() } },
            AbortOnConnectFail = false,
            BacklogPolicy = BacklogPolicy.FailFast,
            ConnectTimeout = 200,
        });
        var options = new RateLimitOptions { FailureMode = mode, RedisTimeoutMs = 200 };
        using var meters = new TestMeterFactory();
        var buckets = new RedisTokenBuckets(new StaticMonitor<RateLimitOptions>(options), new RateLimitMetrics(meters), NullLogger<RedisTokenBuckets>.Instance, redis);

        var decision = await buckets.DrawAsync([new BucketDraw("{key:k}:requests", options.Requests, 1)], CancellationToken.None);

        Assert.True(decision.LimiterUnavailable);
        Assert.Equal(allowed, decision.Allowed);
    }

    [Fact]
    public async Task A_draw_on_buckets_of_different_hash_slots_is_refused_before_it_reaches_Redis()
    {
        using var redis = await ConnectionMultiplexer.ConnectAsync(new ConfigurationOptions
        {
            EndPoints = { { IPAddress.Loopback, ClosedPort() } },
            AbortOnConnectFail = false,
            ConnectTimeout = 200,
        });
        var options = new RateLimitOptions();
        using var meters = new TestMeterFactory();
        var buckets = new RedisTokenBuckets(new StaticMonitor<RateLimitOptions>(options), new RateLimitMetrics(meters), NullLogger<RedisTokenBuckets>.Instance, redis);

        await Assert.ThrowsAsync<ArgumentException>(() => buckets.DrawAsync(
            [new BucketDraw("{key:k}:requests", options.Requests, 1), new BucketDraw("{ip:127.0.0.1}", options.UnauthenticatedPerIp, 0)],
            CancellationToken.None));
    }

    [Fact]
    public async Task With_limits_switched_off_no_Redis_is_needed_and_nothing_is_metered()
    {
        var options = new RateLimitOptions { Enabled = false };
        using var meters = new TestMeterFactory();
        var buckets = new RedisTokenBuckets(new StaticMonitor<RateLimitOptions>(options), new RateLimitMetrics(meters), NullLogger<RedisTokenBuckets>.Instance);

        var decision = await buckets.DrawAsync([new BucketDraw("{key:k}:requests", options.Requests, 1)], CancellationToken.None);

        Assert.True(decision.Allowed);
        Assert.False(decision.LimiterUnavailable);
        Assert.Empty(decision.Buckets);
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
