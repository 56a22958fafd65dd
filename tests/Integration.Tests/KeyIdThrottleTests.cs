using System.Net;
using Gateway.ApiKeys;
using Persistence.Contracts;

namespace Integration.Tests;

/// <summary>
/// Failing against a key id is throttled per address and key id: key ids are not secret, so whoever knows one must
/// not be able to lock its tenant out by failing on purpose.
/// </summary>
[Collection(StackDefinition.Name)]
public sealed class KeyIdThrottleTests(StackFixture stack)
{
    private const string Stats = ApiRoutes.Persistence.Stats;

    private readonly ApiKeyFile _keys = new(stack);

    [Fact]
    public async Task A_tenant_keeps_working_while_someone_fails_against_its_key_id()
    {
        var id = $"tenant-{Records.Prefix()}";
        var tenantKey = await _keys.AddAsync(id, [Scopes.Admin]);
        var attacker = IPAddress.Parse("127.0.0.82");
        using var fromAttacker = new HttpClient(StackFixture.FromAddress(attacker)) { BaseAddress = stack.GatewayEndpoints[0] };
        using var fromElsewhere = new HttpClient(StackFixture.FromAddress(IPAddress.Parse("127.0.0.83"))) { BaseAddress = stack.GatewayEndpoints[1] };

        var failures = await Task.WhenAll(Enumerable.Range(0, 200).Select(async i =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, Stats) { Headers = { { ApiKeyAuthenticationHandler.HeaderName, $"{id}.wrong-secret-{i}" } } };
            using var response = await fromAttacker.SendAsync(request);
            return response.StatusCode;
        }));

        // The failures are bounded...
        Assert.Contains(HttpStatusCode.TooManyRequests, failures);
        Assert.All(failures, s => Assert.True(s is HttpStatusCode.Unauthorized or HttpStatusCode.TooManyRequests, $"got {s}"));

        // ...but the tenant is served from anywhere, the attacker's own address included.
        foreach (var client in new[] { fromAttacker, fromElsewhere })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, Stats) { Headers = { { ApiKeyAuthenticationHandler.HeaderName, tenantKey } } };
            using var response = await client.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        // And the budget used up against this key id is that pair's own: a key-less request from the same address is
        // still answered as such, not throttled for failures against another tenant.
        using var keyless = await fromAttacker.GetAsync(Stats);
        Assert.Equal(HttpStatusCode.Unauthorized, keyless.StatusCode);
    }
}
