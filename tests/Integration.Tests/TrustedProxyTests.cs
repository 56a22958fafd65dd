using System.Net;
using Gateway.ApiKeys;
using Persistence.Contracts;
using StackExchange.Redis;

namespace Integration.Tests;

/// <summary>Behind a trusted load balancer the throttle sees the client's address, not the balancer's.</summary>
[Collection(StackDefinition.Name)]
public sealed class TrustedProxyTests(StackFixture stack)
{
    private const string Stats = ApiRoutes.Persistence.Stats;

    [Fact]
    public async Task Failures_are_charged_to_the_forwarded_client_only_when_a_known_proxy_forwards_them()
    {
        var client = $"198.51.100.{Random.Shared.Next(1, 255)}";
        var spoofed = $"203.0.113.{Random.Shared.Next(1, 255)}";
        var stranger = IPAddress.Parse("127.0.0.91");
        using var viaProxy = new HttpClient(StackFixture.FromAddress(StackFixture.TrustedProxy)) { BaseAddress = stack.GatewayEndpoints[0] };
        using var direct = new HttpClient(StackFixture.FromAddress(stranger)) { BaseAddress = stack.GatewayEndpoints[0] };

        using var forwarded = new HttpRequestMessage(HttpMethod.Get, Stats) { Headers = { { "X-Forwarded-For", client } } };
        using var forwardedAnswer = await viaProxy.SendAsync(forwarded);
        using var forged = new HttpRequestMessage(HttpMethod.Get, Stats) { Headers = { { "X-Forwarded-For", spoofed } } };
        using var forgedAnswer = await direct.SendAsync(forged);

        Assert.Equal(HttpStatusCode.Unauthorized, forwardedAnswer.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, forgedAnswer.StatusCode);
        await using var redis = await ConnectionMultiplexer.ConnectAsync(stack.RedisConnectionString);
        var db = redis.GetDatabase();
        Assert.True(await db.KeyExistsAsync($"gateway:ratelimit:{{ip:{client}}}"), "The forwarded client's bucket was not charged.");
        Assert.False(await db.KeyExistsAsync($"gateway:ratelimit:{{ip:{StackFixture.TrustedProxy}}}"), "The proxy itself was charged.");
        Assert.True(await db.KeyExistsAsync($"gateway:ratelimit:{{ip:{stranger}}}"), "An untrusted sender was not charged as itself.");
        Assert.False(await db.KeyExistsAsync($"gateway:ratelimit:{{ip:{spoofed}}}"), "An untrusted sender chose its own address.");

        // A valid key passes through the proxy as before.
        using var keyed = new HttpRequestMessage(HttpMethod.Get, Stats)
        {
            Headers = { { "X-Forwarded-For", client }, { ApiKeyAuthenticationHandler.HeaderName, stack.ApiKey } },
        };
        using var keyedAnswer = await viaProxy.SendAsync(keyed);
        Assert.Equal(HttpStatusCode.OK, keyedAnswer.StatusCode);
    }
}
