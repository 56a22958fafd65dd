using System.Net;
using System.Net.Sockets;
using Gateway.RateLimits;
using Microsoft.Extensions.Time.Testing;
using StackExchange.Redis;

namespace Gateway.Tests;

/// <summary>An outage of the limiter's Redis is reported, not repeated for every request it affects.</summary>
public sealed class LimiterOutageLogTests
{
    [Fact]
    public async Task A_limiter_outage_logs_once_per_interval_not_once_per_request()
    {
        using var redis = await Unreachable();
        var options = new RateLimitOptions { RedisTimeoutMs = 200 };
        using var meters = new TestMeterFactory();
        var logger = new CountingLogger<RedisTokenBuckets>();
        var buckets = new RedisTokenBuckets(new StaticMonitor<RateLimitOptions>(options), new RateLimitMetrics(meters), logger, redis);

        for (var i = 0; i < 20; i++)
        {
            Assert.True((await buckets.DrawAsync([new BucketDraw("{key:k}:requests", options.Requests, 1)], CancellationToken.None)).LimiterUnavailable);
        }

        Assert.Equal(1, logger.Count(LimiterUnavailableEvent));
    }

    [Fact]
    public async Task A_limiter_outage_is_logged_again_once_the_interval_has_passed()
    {
        using var redis = await Unreachable();
        var options = new RateLimitOptions { RedisTimeoutMs = 200 };
        using var meters = new TestMeterFactory();
        var logger = new CountingLogger<RedisTokenBuckets>();
        var time = new FakeTimeProvider(DateTimeOffset.UnixEpoch);
        var buckets = new RedisTokenBuckets(new StaticMonitor<RateLimitOptions>(options), new RateLimitMetrics(meters), logger, redis, time);
        var draw = new BucketDraw("{key:k}:requests", options.Requests, 1);

        await buckets.DrawAsync([draw], CancellationToken.None);
        time.Advance(RedisTokenBuckets.OutageLogInterval - TimeSpan.FromSeconds(1));
        await buckets.DrawAsync([draw], CancellationToken.None);
        Assert.Equal(1, logger.Count(LimiterUnavailableEvent));

        time.Advance(TimeSpan.FromSeconds(1));
        await buckets.DrawAsync([draw], CancellationToken.None);
        Assert.Equal(2, logger.Count(LimiterUnavailableEvent));
    }

    private const int LimiterUnavailableEvent = 6;

    private static Task<ConnectionMultiplexer> Unreachable() => ConnectionMultiplexer.ConnectAsync(new ConfigurationOptions
    {
        EndPoints = { { IPAddress.Loopback, ClosedPort() } },
        AbortOnConnectFail = false,
        BacklogPolicy = BacklogPolicy.FailFast,
        ConnectTimeout = 200,
    });

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
