using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using AppHost;
using Microsoft.Playwright;
using Persistence.Contracts;

namespace Integration.Tests;

/// <summary>The Aspire dashboard of a running AppHost, as a person and as a script see it.</summary>
[Collection(IsolatedStackDefinition.Name)]
public sealed class DashboardTests(IsolatedStackFixture stack)
{
    [Fact]
    public async Task The_dashboard_lists_every_resource_as_running_and_a_screenshot_is_kept()
    {
        var dashboard = stack.Stack.DashboardAccess!;
        string[] resources = [StackResources.Redis, StackResources.MySql, .. stack.Stack.ApiReplicas, .. stack.Stack.Workers, .. stack.Stack.Gateways];
        foreach (var resource in resources)
        {
            await stack.Stack.WaitHealthyAgainAsync(resource);
        }

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = await TestPrograms.ChromiumAsync(),
            Headless = true,
            // As root, without a sandbox; and no calls home, which this machine's closed network refuses.
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
        var page = await browser.NewPageAsync(new() { ViewportSize = new() { Width = 1600, Height = 1000 } });
        await page.GotoAsync(dashboard.Url.ToString());

        // The resources page renders over a live connection: each resource's own row must come to show it running.
        foreach (var resource in resources)
        {
            var row = page.GetByRole(AriaRole.Row).Filter(new() { Has = page.GetByText(resource, new() { Exact = true }) });
            await Assertions.Expect(row.Filter(new() { HasText = "Running" })).ToHaveCountAsync(1, new() { Timeout = 60_000 });
        }

        var screenshot = Path.Combine(BuildOutput.RepositoryRoot, ".ci", "results", "dashboard-resources.png");
        Directory.CreateDirectory(Path.GetDirectoryName(screenshot)!);
        await page.ScreenshotAsync(new() { Path = screenshot, FullPage = true });
        Assert.True(new FileInfo(screenshot).Length > 10_000);
    }

    [Fact]
    public async Task An_ingest_request_arrives_as_one_trace_from_the_gateway_through_the_stream_to_the_worker()
    {
        var dashboard = stack.Stack.DashboardAccess!;
        // A worker's batch span has the first record's request as its parent and only links the others: records an
        // earlier test on this stack left unflushed would come first in the read and take the parent's place.
        await stack.FlushAsync();
        var trace = ActivityTraceId.CreateRandom();
        using var request = new HttpRequestMessage(HttpMethod.Post, ApiRoutes.Persistence.TasksBatch)
        {
            Content = JsonContent.Create(new { tasks = Records.Tasks(Records.Prefix(), 3) }),
        };
        request.Headers.Add("traceparent", $"00-{trace}-{ActivitySpanId.CreateRandom()}-01");
        using (var response = await stack.Gateway.SendAsync(request))
        {
            Assert.Equal(System.Net.HttpStatusCode.Accepted, response.StatusCode);
        }

        await stack.FlushAsync();

        using var api = new HttpClient { BaseAddress = dashboard.Url };
        api.DefaultRequestHeaders.Add("x-api-key", dashboard.ApiKey);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        HashSet<(string Service, string Span)> spans;
        do
        {
            // Spans reach the dashboard a few seconds after the requests, each process exporting on its own clock: the
            // worker's commit can arrive before the API's publish.
            await Task.Delay(1000);
            using var response = await api.GetAsync($"/api/telemetry/traces/{trace}");
            spans = response.IsSuccessStatusCode ? Spans(await response.Content.ReadAsStringAsync()) : [];
        }
        while (!(spans.Any(s => s.Span == "Commit") && spans.Any(s => s.Span.StartsWith("publish ", StringComparison.Ordinal)))
            && DateTime.UtcNow < deadline);

        var description = string.Join(", ", spans.Select(s => $"{s.Service}: {s.Span}"));
        Assert.Contains(spans, s => s.Service == StackResources.Gateway && s.Span.StartsWith("POST", StringComparison.Ordinal));
        // Named by the shards the records went to: the tasks shards of the stack's layout.
        var shards = await stack.ShardsAsync(PersistenceStreams.Tasks);
        Assert.True(
            spans.Any(s => StackResources.IsOf(StackResources.Api, s.Service) && s.Span.StartsWith("publish ", StringComparison.Ordinal)
                && s.Span["publish ".Length..].Split(',').All(shards.Contains)),
            description);
        Assert.True(spans.Any(s => StackResources.IsOf(StackResources.Worker, s.Service) && shards.Any(shard => s.Span == "process " + shard)), description);
        Assert.True(spans.Any(s => StackResources.IsOf(StackResources.Worker, s.Service) && s.Span == "Commit"), description);
    }

    /// <summary>Each span of an OTLP-shaped answer, with the service (resource) that sent it.</summary>
    private static HashSet<(string Service, string Span)> Spans(string json)
    {
        using var document = JsonDocument.Parse(json);
        var spans = new HashSet<(string, string)>();
        foreach (var resource in document.RootElement.GetProperty("data").GetProperty("resourceSpans").EnumerateArray())
        {
            var service = resource.GetProperty("resource").GetProperty("attributes").EnumerateArray()
                .Where(a => a.GetProperty("key").GetString() == "service.name")
                .Select(a => a.GetProperty("value").GetProperty("stringValue").GetString())
                .FirstOrDefault() ?? "";
            foreach (var span in resource.GetProperty("scopeSpans").EnumerateArray().SelectMany(s => s.GetProperty("spans").EnumerateArray()))
            {
                spans.Add((service, span.GetProperty("name").GetString() ?? ""));
            }
        }

        return spans;
    }
}
