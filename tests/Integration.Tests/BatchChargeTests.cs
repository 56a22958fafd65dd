using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Gateway.ApiKeys;
using Persistence.Contracts;

namespace Integration.Tests;

/// <summary>
/// The record limit charges what the API stores: a body the gateway cannot count exactly is refused by both, and
/// a key already over its limit is refused before its body is read.
/// </summary>
[Collection(StackDefinition.Name)]
public sealed class BatchChargeTests(StackFixture stack)
{
    private const string TaskBatches = ApiRoutes.Persistence.TasksBatch;

    private readonly ApiKeyFile _keys = new(stack);

    private static string Body(string kind, string tasks) => kind switch
    {
        "byte order mark" => "\uFEFF{\"tasks\":" + tasks + "}",
        "duplicated tasks" => "{\"tasks\":[],\"tasks\":" + tasks + "}",
        _ => "{\"tasks\":[],\"t\\u0061sks\":" + tasks + "}",
    };

    [Theory]
    [InlineData("byte order mark")]
    [InlineData("duplicated tasks")]
    [InlineData("duplicated tasks, one escaped")]
    public async Task A_body_the_gateway_and_the_API_could_read_differently_is_refused_and_nothing_is_stored(string kind)
    {
        var prefix = Records.Prefix();
        var key = await _keys.AddAsync($"bom-{prefix}", [Scopes.Ingest], records: (PerSecond: 1, Burst: 10));
        using var client = stack.CreateClient(key);
        var body = Body(kind, JsonSerializer.Serialize(Records.Tasks(prefix, 50)));
        var before = await stack.EntriesAddedAsync(PersistenceStreams.Tasks);

        using var response = await client.PostAsync(TaskBatches, new StringContent(body, new UTF8Encoding(false), "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains(kind.StartsWith("byte", StringComparison.Ordinal) ? "byte order mark" : "tasks", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(before, await stack.EntriesAddedAsync(PersistenceStreams.Tasks));
    }

    [Fact]
    public async Task A_key_over_its_record_limit_is_refused_before_its_body_is_read()
    {
        var prefix = Records.Prefix();
        var key = await _keys.AddAsync($"over-{prefix}", [Scopes.Ingest], records: (PerSecond: 0.01, Burst: 5));
        using var client = stack.CreateClient(key, handler: new SocketsHttpHandler { Expect100ContinueTimeout = TimeSpan.FromSeconds(30) });

        // A batch of the whole burst empties the bucket for minutes.
        using var first = await client.PostAsJsonAsync(TaskBatches, new { tasks = Records.Tasks(prefix, 5) });
        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);

        var body = new WatchedStream(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new { tasks = Records.Tasks(prefix, 5, offset: 5) })));
        using var content = new StreamContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        content.Headers.ContentLength = body.Length;
        using var request = new HttpRequestMessage(HttpMethod.Post, TaskBatches) { Content = content };
        request.Headers.ExpectContinue = true;

        using var second = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.TooManyRequests, second.StatusCode);
        Assert.NotNull(second.Headers.RetryAfter);
        Assert.False(body.WasRead, "The gateway asked for the body (100 Continue) of a key already over its limit.");
    }

    /// <summary>A body that remembers whether the client was asked to send it.</summary>
    private sealed class WatchedStream(byte[] bytes) : MemoryStream(bytes, writable: false)
    {
        public bool WasRead { get; private set; }

        public override int Read(byte[] buffer, int offset, int count)
        {
            WasRead = true;
            return base.Read(buffer, offset, count);
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            WasRead = true;
            return base.ReadAsync(buffer, cancellationToken);
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        {
            WasRead = true;
            return base.ReadAsync(buffer, offset, count, cancellationToken);
        }

        public override Task CopyToAsync(Stream destination, int bufferSize, CancellationToken cancellationToken)
        {
            WasRead = true;
            return base.CopyToAsync(destination, bufferSize, cancellationToken);
        }

        public override void CopyTo(Stream destination, int bufferSize)
        {
            WasRead = true;
            base.CopyTo(destination, bufferSize);
        }
    }
}
