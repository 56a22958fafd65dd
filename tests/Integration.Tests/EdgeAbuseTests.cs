using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using AppHost;
using Gateway.ApiKeys;
using Microsoft.Extensions.Hosting;
using MySqlConnector;
using Persistence.Contracts;

namespace Integration.Tests;

/// <summary>
/// What a client, with or without a key, can make the edge (gateway and replicas) spend: every anonymous request is
/// metered by address, the OpenAPI document is generated once whatever the query, ill-formed text is refused as
/// 400 naming its field and still costs a request, a key cannot send more records at once than its burst, and rows
/// stored before the edge refused ill-formed text still read.
/// </summary>
[Collection(StackDefinition.Name)]
public sealed class EdgeAbuseTests(StackFixture stack)
{
    private const string DocumentPath = "/openapi/v1.json";
    private const string TaskBatches = ApiRoutes.Persistence.TasksBatch;

    private readonly ApiKeyFile _keys = new(stack);

    [Fact]
    public async Task A_query_string_on_the_OpenAPI_document_is_answered_from_the_cache_not_generated_again()
    {
        // Each replica generates the document once, asked directly as the gateway would ask it; which replica the
        // gateway picks is its balancer's choice, so every one is warmed.
        var secrets = JsonSerializer.Deserialize<StateSecrets>(await File.ReadAllTextAsync(Path.Combine(stack.StateDirectory, StateSecrets.FileName)))!;
        using var direct = new HttpClient();
        direct.DefaultRequestHeaders.Add(InternalCallers.CredentialHeader, secrets.InternalCredential);
        foreach (var replica in stack.Stack.ApiReplicas)
        {
            using var warm = await direct.GetAsync(new Uri(stack.Stack.Endpoint(replica), DocumentPath));
            Assert.Equal(HttpStatusCode.OK, warm.StatusCode);
        }

        // After that any query string through the gateway is a cache hit, which carries Age.
        using var anonymous = stack.CreateClient(apiKey: null, handler: StackFixture.FromAddress(FreshLoopback()));
        for (var i = 0; i < 2 * StackFixture.Replicas; i++)
        {
            using var response = await anonymous.GetAsync($"{DocumentPath}?n={Guid.NewGuid():N}");

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.True(response.Headers.Age is not null, $"Request {i} with a fresh query string was not served from the output cache.");
        }
    }

    [Fact]
    public async Task Anonymous_requests_are_metered_by_address_and_refused_with_429_past_the_burst()
    {
        using var anonymous = stack.CreateClient(apiKey: null, handler: StackFixture.FromAddress(FreshLoopback()));
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 400; i++)
        {
            using var response = await anonymous.GetAsync(DocumentPath);
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                Assert.NotNull(response.Headers.RetryAfter);
                Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
                break;
            }
        }

        Assert.Contains(HttpStatusCode.TooManyRequests, statuses);
        Assert.True(statuses.Count(s => s == HttpStatusCode.OK) >= 100, $"Only {statuses.Count(s => s == HttpStatusCode.OK)} requests passed before the 429.");

        // Another address has a bucket of its own.
        using var neighbour = stack.CreateClient(apiKey: null, handler: StackFixture.FromAddress(FreshLoopback()));
        using var other = await neighbour.GetAsync(DocumentPath);
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
    }

    [Theory]
    [InlineData("""{"\ud800":[]}""", "", null)]
    [InlineData("""{"tasks":[{"task_id":"x","metadata":{"k":"\ud800"}}]}""", "metadata", 0)]
    public async Task Ill_formed_text_is_refused_at_the_gateway_with_400_naming_the_field_and_costs_a_request(string body, string field, int? index)
    {
        var key = await _keys.AddAsync($"utf-{Records.Prefix()}", [Scopes.Ingest], requests: (PerSecond: 0.01, Burst: 3));
        using var client = stack.CreateClient(key);
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 5; i++)
        {
            using var response = await client.PostAsync(TaskBatches, new StringContent(body, Encoding.UTF8, "application/json"));
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.BadRequest)
            {
                var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
                var error = problem.GetProperty("errors")[0];
                Assert.Equal(field, error.GetProperty("field").GetString());
                Assert.Equal(index, error.GetProperty("index").ValueKind == JsonValueKind.Null ? null : error.GetProperty("index").GetInt32());
            }
        }

        // Adding the key spent some of its burst already: each refusal costs a request, so 429 comes within the burst.
        Assert.Equal(HttpStatusCode.BadRequest, statuses[0]);
        Assert.Equal(HttpStatusCode.TooManyRequests, statuses[^1]);
        Assert.All(statuses, s => Assert.True(s is HttpStatusCode.BadRequest or HttpStatusCode.TooManyRequests, s.ToString()));
    }

    [Fact]
    public async Task Ill_formed_UTF8_bytes_in_metadata_are_refused_with_400_and_nothing_is_appended()
    {
        var prefix = Records.Prefix();
        byte[] body = [.. Encoding.UTF8.GetBytes($$"""{"tasks":[{"task_id":"{{prefix}}","session_id":"{{prefix}}","metadata":{"k":"a"""), 0xED, 0xA0, 0x80, .. Encoding.UTF8.GetBytes("\"}}]}")];
        var before = await stack.EntriesAddedAsync(PersistenceStreams.Tasks);
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new("application/json");

        using var response = await stack.Gateway.PostAsync(TaskBatches, content);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors")[0];
        Assert.Equal("metadata", error.GetProperty("field").GetString());
        Assert.Equal(0, error.GetProperty("index").GetInt32());
        Assert.Equal(before, await stack.EntriesAddedAsync(PersistenceStreams.Tasks));
    }

    [Fact]
    public async Task A_batch_larger_than_the_key_s_record_burst_is_refused_with_413_naming_the_largest_batch_allowed()
    {
        var prefix = Records.Prefix();
        var key = await _keys.AddAsync($"burst-{prefix}", [Scopes.Ingest], records: (PerSecond: 1, Burst: 10));
        using var client = stack.CreateClient(key);

        using var tooLarge = await client.PostAsJsonAsync(TaskBatches, new { tasks = Records.Tasks(prefix, 11) });
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooLarge.StatusCode);
        var problem = await tooLarge.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(10, problem.GetProperty("max_batch_records").GetInt64());
        Assert.Contains("at most 10 records", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);

        using var fits = await client.PostAsJsonAsync(TaskBatches, new { tasks = Records.Tasks(prefix, 10, offset: 11) });
        Assert.Equal(HttpStatusCode.Accepted, fits.StatusCode);

        // The bucket is empty now: the next record waits for the rate, not for a burst of debt.
        using var next = await client.PostAsJsonAsync(TaskBatches, new { tasks = Records.Tasks(prefix, 5, offset: 21) });
        Assert.Equal(HttpStatusCode.TooManyRequests, next.StatusCode);
    }

    [Fact]
    public async Task A_key_asking_for_routes_its_scopes_do_not_cover_pays_a_request_for_each_403()
    {
        var key = await _keys.AddAsync($"scope-{Records.Prefix()}", [Scopes.Ingest], requests: (PerSecond: 0.01, Burst: 3));
        using var client = stack.CreateClient(key);
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 5; i++)
        {
            using var response = await client.GetAsync(ApiRoutes.Persistence.Stats);
            statuses.Add(response.StatusCode);
        }

        // Adding the key spent some of its burst already: each 403 costs a request, so 429 comes within the burst.
        Assert.Equal(HttpStatusCode.Forbidden, statuses[0]);
        Assert.Equal(HttpStatusCode.TooManyRequests, statuses[^1]);
        Assert.All(statuses, s => Assert.True(s is HttpStatusCode.Forbidden or HttpStatusCode.TooManyRequests, s.ToString()));
    }

    [Fact]
    public async Task The_database_refuses_a_lone_surrogate_escape_in_a_JSON_column_so_no_stored_row_can_hold_one()
    {
        // The edge refuses such text (400); this is the second wall the reads rely on. MariaDB's JSON check refuses a
        // lone surrogate in a value or a name, and takes a proper pair. Should a server ever store one, the reads
        // replace it with U+FFFD (StoredJson, unit-tested) rather than answer 500.
        var prefix = Records.Prefix();
        await using var db = stack.OpenDatabase();
        foreach (var stored in new[] { """{"note":"a\ud800b"}""", """{"\udc00":1}""" })
        {
            var refused = await Assert.ThrowsAsync<MySqlException>(() => InsertAsync($"{prefix}-{stored.Length}", stored));
            Assert.Contains("metadata", refused.Message, StringComparison.Ordinal);
        }

        await InsertAsync($"{prefix}-pair", """{"smile":"\ud83d\ude00"}""");
        using var response = await stack.Gateway.GetAsync($"{ApiRoutes.Translation.Sessions}/{prefix}-pair");
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode} {text}");
        Assert.Equal("\U0001F600", JsonDocument.Parse(text).RootElement.GetProperty("metadata").GetProperty("smile").GetString());

        async Task InsertAsync(string id, string metadata)
        {
            await using var command = new MySqlCommand(
                "INSERT INTO translation_sessions (session_id, status, metadata, created_at, updated_at, row_version) VALUES (@id, 'processing', @metadata, UTC_TIMESTAMP(6), UTC_TIMESTAMP(6), REPEAT(CHAR(0), 24))", db);
            command.Parameters.AddWithValue("@id", id);
            command.Parameters.AddWithValue("@metadata", metadata);
            await command.ExecuteNonQueryAsync();
        }
    }

    private static int _nextAddress = Random.Shared.Next(1, 200);

    /// <summary>A loopback address of its own (127.0.x.y), so no other test shares its address buckets.</summary>
    private static IPAddress FreshLoopback()
    {
        var n = Interlocked.Increment(ref _nextAddress);
        return new IPAddress([127, 0, (byte)(50 + (n / 250 % 150)), (byte)(1 + (n % 250))]);
    }
}
