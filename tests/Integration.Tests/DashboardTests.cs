using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using AppHost;
using Microsoft.Playwright;
using Persistence.Contracts;
using Xunit.Abstractions;

namespace Integration.Tests;

/// <summary>The Aspire dashboard of a running AppHost, as a person and as a script see it.</summary>
[Collection(IsolatedStackDefinition.Name)]
public sealed class DashboardTests(IsolatedStackFixture stack, ITestOutputHelper output)
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
        using var api = new HttpClient { BaseAddress = dashboard.Url };
        api.DefaultRequestHeaders.Add("x-api-key", dashboard.ApiKey);
        var shards = await stack.ShardsAsync(PersistenceStreams.Tasks);

        // Exporting telemetry is best effort: an OTLP exporter drops a batch of spans whose export times out, as one
        // can while the dashboard shares two cores with every other stack of the run. What must hold is that a
        // request's trace context reaches the worker's write, so a request whose spans did not all arrive is followed
        // by a fresh one; three requests in a row without a joined trace fail the test.
        var attempts = new List<string>();
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var trace = await SendTracedBatchAsync();
            var seen = await WaitForTraceAsync(api, trace, shards, TimeSpan.FromSeconds(30));
            if (seen.Joined)
            {
                Assert.Contains(seen.Spans, s => s.Service == StackResources.Gateway && s.Name.StartsWith("POST", StringComparison.Ordinal));
                // Named by the shards the records went to: the tasks shards of the stack's layout.
                Assert.Contains(seen.Spans, s => StackResources.IsOf(StackResources.Api, s.Service) && s.Name.StartsWith("publish ", StringComparison.Ordinal)
                    && s.Name["publish ".Length..].Split(',').All(shards.Contains));
                return;
            }

            attempts.Add(seen.Describe());
            output.WriteLine(attempts[^1]);
        }

        Assert.Fail("No request's trace reached a worker's commit:\n" + string.Join("\n", attempts));
    }

    /// <summary>Posts three tasks through the gateway under a trace of the test's own and returns that trace.</summary>
    private async Task<ActivityTraceId> SendTracedBatchAsync()
    {
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
        return trace;
    }

    /// <summary>
    /// Waits until the dashboard holds the trace's publish span and a worker's batch span joined to the trace, with a
    /// commit under that batch span; returns what it saw when that happened or when the time ran out.
    /// </summary>
    private static async Task<TraceSeen> WaitForTraceAsync(HttpClient api, ActivityTraceId trace, IReadOnlyList<string> shards, TimeSpan patience)
    {
        var deadline = DateTime.UtcNow + patience;
        TraceSeen seen;
        do
        {
            // Spans reach the dashboard a few seconds after the requests, each process exporting on its own clock: the
            // worker's commit can arrive before the API's publish.
            await Task.Delay(1000);
            var spans = await SpansAsync(api, $"/api/telemetry/traces/{trace}");
            // A batch span has one parent, the first record's request, and links the other requests in its read: a
            // request that reached the stream beside ours would make ours a link. Either joins the request to the write.
            var worker = (await SpansAsync(api, "/api/telemetry/spans?limit=10000")).Where(s => StackResources.IsOf(StackResources.Worker, s.Service)).ToList();
            var batch = worker.FirstOrDefault(s => shards.Any(shard => s.Name == "process " + shard)
                && (string.Equals(s.TraceId, trace.ToHexString(), StringComparison.OrdinalIgnoreCase) || s.LinkedTraces.Contains(trace.ToHexString())));
            seen = new TraceSeen(trace, spans, worker, batch);
        }
        while (!seen.Joined && DateTime.UtcNow < deadline);

        return seen;
    }

    private sealed record TraceSeen(ActivityTraceId Trace, List<DashboardSpan> Spans, List<DashboardSpan> Worker, DashboardSpan? Batch)
    {
        public bool Joined => Batch is not null
            && Worker.Any(s => s.Name == "Commit" && s.TraceId == Batch.TraceId)
            && Spans.Any(s => s.Name.StartsWith("publish ", StringComparison.Ordinal));

        public string Describe() =>
            $"trace {Trace}: " + string.Join(", ", Spans.Select(s => $"{s.Service}: {s.Name}"))
            + $"; {Worker.Count} worker spans, whose batch spans are " + string.Join(", ", Worker.Where(s => s.Name.StartsWith("process ", StringComparison.Ordinal)).Select(s => $"{s.Name} in {s.TraceId} linking {s.LinkedTraces.Count}"));
    }

    /// <summary>Each span of an OTLP-shaped answer of the dashboard's telemetry API, with the service (resource) that sent it.</summary>
    private static async Task<List<DashboardSpan>> SpansAsync(HttpClient api, string path)
    {
        using var response = await api.GetAsync(path);
        if (!response.IsSuccessStatusCode)
        {
            return [];
        }

        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var spans = new List<DashboardSpan>();
        foreach (var resource in document.RootElement.GetProperty("data").GetProperty("resourceSpans").EnumerateArray())
        {
            var service = resource.GetProperty("resource").GetProperty("attributes").EnumerateArray()
                .Where(a => a.GetProperty("key").GetString() == "service.name")
                .Select(a => a.GetProperty("value").GetProperty("stringValue").GetString())
                .FirstOrDefault() ?? "";
            foreach (var span in resource.GetProperty("scopeSpans").EnumerateArray().SelectMany(s => s.GetProperty("spans").EnumerateArray()))
            {
                var links = span.TryGetProperty("links", out var linked) && linked.ValueKind == JsonValueKind.Array
                    ? linked.EnumerateArray().Select(l => l.GetProperty("traceId").GetString() ?? "").ToHashSet(StringComparer.OrdinalIgnoreCase)
                    : [];
                spans.Add(new DashboardSpan(service, span.GetProperty("name").GetString() ?? "", span.GetProperty("traceId").GetString() ?? "", links));
            }
        }

        return spans;
    }

    private sealed record DashboardSpan(string Service, string Name, string TraceId, HashSet<string> LinkedTraces);
}
