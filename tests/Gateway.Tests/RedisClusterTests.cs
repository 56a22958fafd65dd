using System.Collections.Frozen;
using System.Text;
using Gateway.ApiKeys;
using Gateway.Hardening;
using Gateway.RateLimits;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Persistence.Contracts;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Model;

namespace Gateway.Tests;

/// <summary>The limiter on a real Redis Cluster: every script call must touch keys of one hash slot.</summary>
public sealed class RedisClusterTests(RedisCluster cluster) : IClassFixture<RedisCluster>
{
    [Fact]
    public async Task On_a_cluster_batches_are_metered_by_their_records_instead_of_failing_open()
    {
        var options = new RateLimitOptions
        {
            FailureMode = RateLimitFailureMode.Open,
            RedisTimeoutMs = 5000,
            KeyPrefix = $"test-{Guid.NewGuid():N}:",
            Records = new BucketLimit { PerSecond = 0.01, Burst = 10 },
        };
        using var meters = new TestMeterFactory();
        var metrics = new RateLimitMetrics(meters);
        var monitor = new StaticMonitor<RateLimitOptions>(options);
        var buckets = new RedisTokenBuckets(monitor, metrics, NullLogger<RedisTokenBuckets>.Instance, cluster.Connection);
        var middleware = new RateLimitMiddleware(
            buckets, new BodySlots(), monitor, new StaticMonitor<RequestLimitOptions>(new RequestLimitOptions()), metrics, NullLogger<RateLimitMiddleware>.Instance);
        var key = new ApiKey("tenant", "tenant", new byte[16], new byte[32], FrozenSet<string>.Empty, false, null, null, null);

        var statuses = new List<int>();
        for (var i = 0; i < 3; i++)
        {
            var context = BatchRequest(key, records: 4);
            var proxied = false;
            await middleware.InvokeAsync(context, _ =>
            {
                proxied = true;
                return Task.CompletedTask;
            });
            statuses.Add(proxied ? StatusCodes.Status200OK : context.Response.StatusCode);
        }

        // 4 + 4 records fit the burst of 10; the third batch does not. Failing open would have passed all three.
        Assert.Equal([StatusCodes.Status200OK, StatusCodes.Status200OK, StatusCodes.Status429TooManyRequests], statuses);
    }

    [Fact]
    public async Task On_a_cluster_failed_keys_are_metered_instead_of_failing_open()
    {
        var options = new RateLimitOptions
        {
            FailureMode = RateLimitFailureMode.Open,
            RedisTimeoutMs = 5000,
            KeyPrefix = $"test-{Guid.NewGuid():N}:",
            UnauthenticatedPerIp = new BucketLimit { PerSecond = 0.01, Burst = 3 },
        };
        using var meters = new TestMeterFactory();
        var buckets = new RedisTokenBuckets(
            new StaticMonitor<RateLimitOptions>(options), new RateLimitMetrics(meters), NullLogger<RedisTokenBuckets>.Instance, cluster.Connection);
        var context = new DefaultHttpContext();
        context.Connection.RemoteIpAddress = System.Net.IPAddress.Parse("192.0.2.7");

        var decisions = new List<RateDecision>();
        for (var i = 0; i < 4; i++)
        {
            decisions.Add(await buckets.DrawAsync([AddressThrottle.Draw(context, options, 1, force: true)], CancellationToken.None));
        }

        Assert.All(decisions, d => Assert.False(d.LimiterUnavailable));
        Assert.Equal([true, true, true, false], decisions.Select(d => d.Allowed));
    }

    private static DefaultHttpContext BatchRequest(ApiKey key, int records)
    {
        var context = new DefaultHttpContext
        {
            RequestServices = new ServiceCollection().AddLogging().BuildServiceProvider(),
        };
        context.Items[typeof(ApiKey)] = key;
        var route = new RouteConfig
        {
            RouteId = "batches",
            Metadata = new Dictionary<string, string> { [RateLimitMiddleware.CostMetadata] = RateLimitMiddleware.RecordsCost },
        };
        context.Features.Set<IReverseProxyFeature>(new ReverseProxyFeature { Route = new RouteModel(route, null, HttpTransformer.Default) });
        var body = Encoding.UTF8.GetBytes("{\"tasks\":[" + string.Join(',', Enumerable.Repeat("{}", records)) + "]}");
        context.Request.Method = "POST";
        context.Request.ContentType = "application/json";
        context.Request.ContentLength = body.Length;
        context.Request.Body = new MemoryStream(body);
        context.Response.Body = new MemoryStream();
        return context;
    }
}
