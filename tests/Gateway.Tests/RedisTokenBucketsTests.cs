using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Sockets;
using Gateway.RateLimits;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
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
        using var meters = new MeterFactory();
        var buckets = new RedisTokenBuckets(new StaticMonitor(options), new RateLimitMetrics(meters), NullLogger<RedisTokenBuckets>.Instance, redis);

        var decision = await buckets.DrawAsync([new BucketDraw("{key:k}:requests", options.Requests, 1)], CancellationToken.None);

        Assert.True(decision.LimiterUnavailable);
        Assert.Equal(allowed, decision.Allowed);
    }

    [Fact]
    public async Task With_limits_switched_off_no_Redis_is_needed_and_nothing_is_metered()
    {
        var options = new RateLimitOptions { Enabled = false };
        using var meters = new MeterFactory();
        var buckets = new RedisTokenBuckets(new StaticMonitor(options), new RateLimitMetrics(meters), NullLogger<RedisTokenBuckets>.Instance);

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

    private sealed class StaticMonitor(RateLimitOptions value) : IOptionsMonitor<RateLimitOptions>
    {
        public RateLimitOptions CurrentValue => value;

        public RateLimitOptions Get(string? name) => value;

        public IDisposable? OnChange(Action<RateLimitOptions, string?> listener) => null;
    }

    private sealed class MeterFactory : IMeterFactory
    {
        private readonly List<Meter> _meters = [];

        public Meter Create(MeterOptions options)
        {
            var meter = new Meter(options);
            _meters.Add(meter);
            return meter;
        }

        public void Dispose() => _meters.ForEach(m => m.Dispose());
    }
}
