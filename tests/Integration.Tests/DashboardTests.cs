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
    /// <summary>Debian's Chromium: a browser is never downloaded.</summary>
    private const string Chromium = "/usr/bin/chromium";

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
            ExecutablePath = Chromium,
            Headless = true,
            // As root, without a sandbox; and no calls home, which this machine's closed network refuses.
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
        var page = await browser.NewPageAsync(new() { ViewportSize = new() { Width = 1600, Height = 1000 } });
        await page.GotoAsync(dashboard.Url.ToString());

        // The resources page renders over a live connection: read it until every resource shows, each as running.
        var text = "";
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline && !(resources.All(r => text.Contains(r, StringComparison.Ordinal)) && Count(text, "Running") >= resources.Length))
        {
            await Task.Delay(500);
            text = await page.InnerTextAsync("body");
        }

        var screenshot = Path.Combine(BuildOutput.RepositoryRoot, ".ci", "results", "dashboard-resources.png");
        Directory.CreateDirectory(Path.GetDirectoryName(screenshot)!);
        await page.ScreenshotAsync(new() { Path = screenshot, FullPage = true });
        Assert.All(resources, r => Assert.Contains(r, text, StringComparison.Ordinal));
        Assert.True(Count(text, "Running") >= resources.Length, $"Fewer than {resources.Length} resources show Running:\n{text}");
        Assert.True(new FileInfo(screenshot).Length > 10_000);
    }

    private static int Count(string text, string word)
    {
        var count = 0;
        for (var at = text.IndexOf(word, StringComparison.Ordinal); at >= 0; at = text.IndexOf(word, at + word.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }

    [Fact]
    public async Task An_ingest_request_arrives_as_one_trace_from_the_gateway_through_the_stream_to_the_worker()
    {
        var dashboard = stack.Stack.DashboardAccess!;
        var trace = ActivityTraceId.CreateRandom();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/persistence/tasks/batch")
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
        string body;
        do
        {
            // Spans reach the dashboard a few seconds after the requests.
            await Task.Delay(1000);
            using var response = await api.GetAsync($"/api/telemetry/traces/{trace}");
            body = response.IsSuccessStatusCode ? await response.Content.ReadAsStringAsync() : "";
        }
        while (!(body.Contains(StackResources.Gateway, StringComparison.Ordinal)
                 && body.Contains(StackResources.Api, StringComparison.Ordinal)
                 && body.Contains(StackResources.Worker, StringComparison.Ordinal))
               && DateTime.UtcNow < deadline);

        Assert.Contains(StackResources.Gateway, body, StringComparison.Ordinal);
        Assert.Contains(StackResources.Api + "-", body, StringComparison.Ordinal);
        Assert.Contains(StackResources.Worker + "-", body, StringComparison.Ordinal);
        using var document = JsonDocument.Parse(body);
        Assert.Contains(trace.ToString(), body, StringComparison.Ordinal);
    }
}
