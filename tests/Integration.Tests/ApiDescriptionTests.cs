using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Playwright;
using Persistence.Contracts;

namespace Integration.Tests;

/// <summary>
/// The OpenAPI document the replicas generate from their endpoints, read through the gateway as a client would, and
/// held against what the gateway really routes.
/// </summary>
[Collection(StackDefinition.Name)]
public sealed class ApiDescriptionTests(StackFixture stack)
{
    private const string DocumentPath = "/openapi/v1.json";

    /// <summary>A parameter no endpoint takes: every route must refuse it with a 400 naming it.</summary>
    private const string ProbeParameter = "openapi_probe";

    [Fact]
    public async Task The_document_is_OpenAPI_3_1_readable_without_a_key_and_names_both_key_forms()
    {
        using var anonymous = stack.CreateClient(apiKey: null);
        using var response = await anonymous.GetAsync(DocumentPath);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var document = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.StartsWith("3.1", document["openapi"]!.GetValue<string>(), StringComparison.Ordinal);
        var schemes = document["components"]!["securitySchemes"]!;
        Assert.Equal("apiKey", schemes["ApiKey"]!["type"]!.GetValue<string>());
        Assert.Equal("X-API-Key", schemes["ApiKey"]!["name"]!.GetValue<string>());
        Assert.Equal("header", schemes["ApiKey"]!["in"]!.GetValue<string>());
        Assert.Equal("http", schemes["Bearer"]!["type"]!.GetValue<string>());
        Assert.Equal("bearer", schemes["Bearer"]!["scheme"]!.GetValue<string>());
    }

    [Fact]
    public async Task Every_operation_documents_the_gateway_refusals_with_their_headers()
    {
        var document = await DocumentAsync();
        var headers = document["components"]!["headers"]!;
        Assert.NotNull(headers["Retry-After"]);
        Assert.NotNull(headers["RateLimit-Remaining"]);
        foreach (var (path, operation) in Operations(document))
        {
            var responses = operation["responses"]!;
            foreach (var status in new[] { "401", "403", "429", "503" })
            {
                Assert.True(responses[status] is not null, $"{path} does not document {status}.");
            }

            Assert.NotNull(responses["429"]!["headers"]!["Retry-After"]);
            Assert.NotNull(responses["429"]!["headers"]!["RateLimit-Reset"]);
            Assert.NotNull(responses["503"]!["headers"]!["Retry-After"]);
        }

        var batch = Operation(document, ApiRoutes.Persistence.TasksBatch, "post");
        Assert.Equal(
            "#/components/schemas/InvalidProblemBody",
            batch["responses"]!["400"]!["content"]!["application/problem+json"]!["schema"]!["$ref"]!.GetValue<string>());
        Assert.NotNull(batch["responses"]!["413"]);
        Assert.NotNull(Operation(document, ApiRoutes.Persistence.Flush, "post")["responses"]!["504"]);
    }

    [Fact]
    public async Task Request_fields_state_the_limits_the_validators_enforce()
    {
        var document = await DocumentAsync();
        var task = document["components"]!["schemas"]!["TaskRecord"]!["properties"]!;
        Assert.Equal(64, task["task_id"]!["maxLength"]!.GetValue<int>());
        Assert.False(string.IsNullOrEmpty(task["updated_at"]!["description"]?.GetValue<string>()));
        var batch = document["components"]!["schemas"]!["TaskBatch"]!["properties"]!["tasks"]!;
        Assert.Equal(5000, batch["maxItems"]!.GetValue<int>());
    }

    [Fact]
    public async Task Every_documented_operation_is_routed_by_the_gateway_and_refuses_an_unknown_query_parameter()
    {
        var operations = DocumentedOperation.All(await DocumentAsync());
        Assert.NotEmpty(operations);
        var failures = new List<string>();
        foreach (var operation in operations)
        {
            // The probe makes each handler refuse before it touches anything, so retries, replays and deletes
            // change nothing; a 404 or 405 here would be a route the document promises and the stack lacks.
            using var request = new HttpRequestMessage(new HttpMethod(operation.Method), $"{operation.SamplePath}?{ProbeParameter}=1");
            if (operation.HasBody)
            {
                request.Content = new StringContent("{}", Encoding.UTF8, "application/json");
            }

            using var response = await stack.Gateway.SendAsync(request);
            var body = await response.Content.ReadAsStringAsync();
            if (response.StatusCode != HttpStatusCode.BadRequest || !body.Contains($"\"field\":\"{ProbeParameter}\"", StringComparison.Ordinal))
            {
                failures.Add($"{operation.Method} {operation.SamplePath}: {(int)response.StatusCode} {body}");
            }
        }

        Assert.True(failures.Count == 0, string.Join('\n', failures));
    }

    /// <summary>
    /// The other direction, from the gateway's route table (Gateway/appsettings.json, the configuration the stack
    /// runs): every documented operation is routed by a public route that asks for the scope the document states,
    /// and every route names something the document has. The document itself is generated from the API's endpoint
    /// data source, so an API endpoint is missing from it only if it was excluded on purpose.
    /// </summary>
    [Fact]
    public async Task The_gateway_routes_exactly_the_documented_operations_with_the_documented_scopes()
    {
        var operations = DocumentedOperation.All(await DocumentAsync());
        var routes = GatewayRouteTable();
        foreach (var operation in operations)
        {
            var route = GatewayRoute.For(routes, operation.Method, operation.SamplePath);
            Assert.True(route is not null && route.Name != "unmapped", $"{operation.Method} {operation.Path} reaches only the gateway's fallback.");
            Assert.Equal((operation.Method, operation.Path, operation.Scope), (operation.Method, operation.Path, route!.Policy));
        }

        // The document and the reference page are served by these two; neither is an operation of the API.
        var served = new[] { "api-description", "api-reference", "unmapped" };
        foreach (var route in routes.Where(r => !served.Contains(r.Name)))
        {
            var methods = route.Methods ?? ["GET", "POST", "PUT", "DELETE"];
            Assert.True(
                operations.Any(o => methods.Contains(o.Method) && GatewayRoute.For(routes, o.Method, o.SamplePath) == route),
                $"The gateway route {route.Name} ({route.Path}) serves no documented operation.");
        }
    }

    [Fact]
    public async Task The_two_seed_spellings_of_the_batch_routes_are_one_documented_operation_and_both_accept_a_batch()
    {
        var document = await DocumentAsync();
        foreach (var kind in new[] { "sessions", "tasks" })
        {
            var canonical = document["paths"]![$"{ApiRoutes.Persistence.Prefix}/{kind}/batch"]!["$ref"]!.GetValue<string>();
            Assert.Equal(canonical, document["paths"]![$"{ApiRoutes.Translation.Prefix}/{kind}/batch"]!["$ref"]!.GetValue<string>());
        }

        var prefix = Records.Prefix();
        using var tasks = await stack.Gateway.PostAsJsonAsync(ApiRoutes.Translation.TasksBatch, new { tasks = Records.Tasks(prefix, 2) });
        Assert.Equal(HttpStatusCode.Accepted, tasks.StatusCode);
        Assert.Equal(2, (await tasks.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("count").GetInt32());
        Assert.False(tasks.Headers.Contains("Deprecation"));

        using var sessions = await stack.Gateway.PostAsJsonAsync(
            ApiRoutes.Translation.SessionsBatch, new { sessions = new[] { Records.Session($"{prefix}-s0", "processing", 1) } });
        Assert.Equal(HttpStatusCode.Accepted, sessions.StatusCode);

        // Stored like any batch: both spellings are the same handler.
        await stack.FlushAsync();
        using var task = await stack.Gateway.GetAsync($"{ApiRoutes.Translation.Tasks}/{prefix}-t1");
        Assert.Equal(HttpStatusCode.OK, task.StatusCode);
        using var session = await stack.Gateway.GetAsync($"{ApiRoutes.Translation.Sessions}/{prefix}-s0");
        Assert.Equal(HttpStatusCode.OK, session.StatusCode);
    }

    [Fact]
    public async Task The_reference_page_is_served_without_a_key_with_a_policy_that_admits_only_its_own_origin()
    {
        using var anonymous = stack.CreateClient(apiKey: null);
        using var page = await anonymous.GetAsync("/scalar/");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("scalar.js", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var policy = string.Join(";", page.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("script-src 'self'", policy, StringComparison.Ordinal);
        Assert.Contains("connect-src 'self'", policy, StringComparison.Ordinal);
        Assert.DoesNotContain("http", policy, StringComparison.Ordinal);

        using var script = await anonymous.GetAsync("/scalar/scalar.js");
        Assert.Equal(HttpStatusCode.OK, script.StatusCode);

        // Without a key only the document and the page are open; the API behind them is not.
        using var stats = await anonymous.GetAsync(ApiRoutes.Persistence.Stats);
        Assert.Equal(HttpStatusCode.Unauthorized, stats.StatusCode);
    }

    [Fact]
    public async Task The_reference_renders_the_operations_in_a_browser_with_nothing_blocked_and_nothing_fetched_from_elsewhere()
    {
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new()
        {
            // Debian's Chromium, as the dashboard test runs it: never downloaded, no sandbox as root, no calls home.
            ExecutablePath = await TestPrograms.ChromiumAsync(),
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
        var page = await browser.NewPageAsync();
        var blocked = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Text.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase))
            {
                blocked.Add(message.Text);
            }
        };
        var gateway = stack.GatewayEndpoints[0];
        page.Request += (_, request) =>
        {
            if (!request.Url.StartsWith(gateway.GetLeftPart(UriPartial.Authority), StringComparison.Ordinal) && !request.Url.StartsWith("data:", StringComparison.Ordinal))
            {
                blocked.Add("fetched from elsewhere: " + request.Url);
            }
        };

        await page.GotoAsync(new Uri(gateway, "/scalar/").ToString());

        await Assertions.Expect(page.GetByText("Accept a batch of task states").First).ToBeVisibleAsync(new() { Timeout = 60_000 });
        Assert.True(blocked.Count == 0, string.Join('\n', blocked));
    }

    private static IReadOnlyList<GatewayRoute> GatewayRouteTable() => GatewayRoute.Load();

    private async Task<JsonNode> DocumentAsync()
    {
        using var response = await stack.Gateway.GetAsync(DocumentPath);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
    }

    private static JsonNode Operation(JsonNode document, string path, string method)
    {
        var item = document["paths"]![path]!;
        if (item["$ref"] is { } reference)
        {
            item = document["components"]!["pathItems"]![reference.GetValue<string>().Split('/')[^1]]!;
        }

        return item[method]!;
    }

    private static IEnumerable<(string Path, JsonNode Operation)> Operations(JsonNode document)
    {
        foreach (var (path, item) in document["paths"]!.AsObject())
        {
            var resolved = item!["$ref"] is { } reference ? document["components"]!["pathItems"]![reference.GetValue<string>().Split('/')[^1]]! : item;
            foreach (var (method, operation) in resolved.AsObject())
            {
                yield return ($"{method.ToUpperInvariant()} {path}", operation!);
            }
        }
    }
}
