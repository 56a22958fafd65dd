using System.Net;
using System.Text.Json;
using AppHost.Hosting;
using Persistence.Contracts;
using Xunit.Abstractions;

namespace Integration.Tests.Monitoring;

/// <summary>A real Prometheus server scrapes the running stack with the configuration the AppHost wrote.</summary>
[Collection(StackDefinition.Name)]
public sealed class PrometheusTests(StackFixture stack, ITestOutputHelper output)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task Prometheus_scrapes_every_instance_with_the_AppHosts_configuration_and_finds_every_named_series()
    {
        // Traffic first, so request, append, flush and commit series have a sample each.
        var prefix = Records.Prefix();
        using (var response = await stack.PostTasksAsync(Records.Tasks(prefix, 20)))
        {
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        }

        await stack.FlushAsync();
        // A key that expires, as every key issued with new-key does, so the expiry gauge has a series (the
        // development key never expires).
        await new ApiKeyFile(stack).AddAsync("prometheus-" + prefix, [Scopes.Read], expiresAt: DateTimeOffset.UtcNow.AddDays(60));

        var config = PrometheusScrapeConfig.FilePath(stack.StateDirectory);
        Assert.True(File.Exists(config), $"{config} was not written.");
        await using var prometheus = await PrometheusServer.StartAsync(config);

        var expectedTargets = StackFixture.Replicas + StackFixture.Workers + StackFixture.Gateways;
        var targets = await WaitAsync(prometheus, "/api/v1/targets?state=active", data =>
        {
            var active = data.GetProperty("activeTargets").EnumerateArray().ToList();
            return active.Count == expectedTargets && active.All(t => t.GetProperty("health").GetString() == "up");
        });
        var resources = targets.GetProperty("activeTargets").EnumerateArray()
            .Select(t => t.GetProperty("labels").GetProperty("resource").GetString()).Order().ToList();
        Assert.Equal([.. stack.Stack.Gateways, .. stack.Stack.ApiReplicas, .. stack.Stack.Workers], resources.Order().ToList()!);

        var names = await WaitAsync(prometheus, "/api/v1/label/__name__/values", data =>
        {
            var present = data.EnumerateArray().Select(n => n.GetString()!).ToHashSet(StringComparer.Ordinal);
            return ExportedSeries.Names.All(present.Contains);
        });
        var exported = names.EnumerateArray().Select(n => n.GetString()!).ToHashSet(StringComparer.Ordinal);
        output.WriteLine(string.Join('\n', exported.Order(StringComparer.Ordinal)));
        var missing = ExportedSeries.Names.Where(name => !exported.Contains(name)).ToList();
        Assert.True(missing.Count == 0, $"Not scraped: {string.Join(", ", missing)}");

        // The configuration loads the repository's alert rules, and each evaluates against the live series.
        var rules = await WaitAsync(prometheus, "/api/v1/rules", data =>
            data.GetProperty("groups").EnumerateArray().SelectMany(g => g.GetProperty("rules").EnumerateArray())
                .All(r => r.TryGetProperty("lastEvaluation", out var at) && !at.GetString()!.StartsWith("0001", StringComparison.Ordinal)));
        var evaluated = rules.GetProperty("groups").EnumerateArray().SelectMany(g => g.GetProperty("rules").EnumerateArray()).ToList();
        Assert.Equal(7, evaluated.Count);
        Assert.All(evaluated, r => Assert.Equal("ok", r.GetProperty("health").GetString()));
    }

    [Fact]
    public async Task A_replica_serves_its_metrics_without_the_internal_credential_and_still_refuses_direct_calls_elsewhere()
    {
        using var client = new HttpClient { BaseAddress = stack.Stack.Endpoint(stack.Stack.ApiReplicas[0]) };

        using var metrics = await client.GetAsync("/metrics");
        using var direct = await client.GetAsync(ApiRoutes.Persistence.Prefix + "/sessions");

        Assert.Equal(HttpStatusCode.OK, metrics.StatusCode);
        Assert.StartsWith("text/plain", metrics.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
        Assert.Contains("persistence_stream_backlog{", await metrics.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, direct.StatusCode);
    }

    [Fact]
    public async Task The_gateway_answers_metrics_itself_on_its_management_port_and_no_route_forwards_a_scrape_to_a_replica()
    {
        using var anonymous = new HttpClient { BaseAddress = stack.Stack.Endpoint(StackResources.GatewayInstance(0), MetricsEndpoint.Name) };

        using var forwarded = await stack.Gateway.GetAsync("/api/metrics");
        // The exporter caches its answer briefly; the decision just made shows within a second.
        var own = "";
        for (var attempt = 0; attempt < 20 && !own.Contains("gateway_rate_limit_decisions_total{", StringComparison.Ordinal); attempt++)
        {
            await Task.Delay(attempt == 0 ? 0 : 250);
            own = await anonymous.GetStringAsync("/metrics");
        }

        Assert.Contains("gateway_rate_limit_decisions_total{", own, StringComparison.Ordinal);
        Assert.DoesNotContain("persistence_stream_backlog", own, StringComparison.Ordinal);
        Assert.NotEqual(HttpStatusCode.OK, forwarded.StatusCode);
    }

    /// <summary>Polls until <paramref name="done"/> holds, or fails with the last answer.</summary>
    private static async Task<JsonElement> WaitAsync(PrometheusServer prometheus, string path, Func<JsonElement, bool> done)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            var data = await prometheus.GetAsync(path, Patience);
            if (done(data))
            {
                return data;
            }

            Assert.True(DateTime.UtcNow < deadline, $"{path} still answers {data}");
            await Task.Delay(1000);
        }
    }
}
