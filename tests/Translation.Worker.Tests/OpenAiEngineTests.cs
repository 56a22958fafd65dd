using System.Diagnostics;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Translation.Worker.Processing;

namespace Translation.Worker.Tests;

/// <summary>The OpenAI engine against a chat-completions server on 127.0.0.1, started for each test.</summary>
public sealed class OpenAiEngineTests
{
    private static OpenAiEngine Engine(ChatServer server, Action<OpenAiOptions>? configure = null)
    {
        var options = new OpenAiOptions
        {
            BaseUrl = server.BaseUrl,
            Model = "test-model",
            ApiKey = "sk-test",
            RetryBaseDelayMs = 10,
            MaxRetryDelayMs = 5_000,
            TimeoutSeconds = 10,
        };
        configure?.Invoke(options);
        return new OpenAiEngine(new HttpClient(), Options.Create(options), TimeProvider.System, NullLogger<OpenAiEngine>.Instance);
    }

    private static EngineBatch Batch(int count) =>
        new("en", "fr", [.. Enumerable.Range(0, count).Select(i => new EngineText($"text {i}", null))]);

    [Fact]
    public async Task Sends_texts_in_groups_as_json_arrays_and_keeps_their_order()
    {
        await using var server = await ChatServer.StartAsync((_, texts, _) => ChatServer.Reply(texts.Select(t => "fr:" + t)));
        using var engine = Engine(server, o => o.MaxTextsPerCall = 2);

        var outcomes = await engine.TranslateAsync(Batch(5), CancellationToken.None);

        Assert.Equal(Enumerable.Range(0, 5).Select(i => $"fr:text {i}"), outcomes.Select(o => o.Text!));
        Assert.Equal(3, server.Calls);
        Assert.All(server.Requests, r =>
        {
            Assert.Equal("Bearer sk-test", r.Authorization);
            Assert.Equal("test-model", r.Body.GetProperty("model").GetString());
            Assert.Contains("from en to fr", r.Body.GetProperty("messages")[0].GetProperty("content").GetString(), StringComparison.Ordinal);
        });
    }

    [Fact]
    public async Task Waits_as_long_as_Retry_After_asks_after_a_429_then_succeeds()
    {
        await using var server = await ChatServer.StartAsync((call, texts, context) =>
        {
            if (call == 1)
            {
                context.Response.Headers.RetryAfter = "1";
                return Task.FromResult<string?>(null);
            }

            return ChatServer.Reply(texts.Select(t => "ok:" + t));
        }, failStatus: StatusCodes.Status429TooManyRequests);
        using var engine = Engine(server);

        var clock = Stopwatch.StartNew();
        var outcomes = await engine.TranslateAsync(Batch(2), CancellationToken.None);

        Assert.Equal(new[] { "ok:text 0", "ok:text 1" }, outcomes.Select(o => o.Text!));
        Assert.Equal(2, server.Calls);
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(950), $"retried after {clock.ElapsedMilliseconds} ms");
    }

    [Fact]
    public async Task Gives_up_after_the_configured_retries_of_a_5xx()
    {
        await using var server = await ChatServer.StartAsync((_, _, _) => Task.FromResult<string?>(null), failStatus: StatusCodes.Status503ServiceUnavailable);
        using var engine = Engine(server, o => o.MaxRetries = 2);

        var outcomes = await engine.TranslateAsync(Batch(3), CancellationToken.None);

        Assert.All(outcomes, o => Assert.Equal("HTTP 503", o.Error));
        Assert.Equal(3, server.Calls);
    }

    [Fact]
    public async Task A_client_error_is_not_retried()
    {
        await using var server = await ChatServer.StartAsync((_, _, _) => Task.FromResult<string?>(null), failStatus: StatusCodes.Status401Unauthorized);
        using var engine = Engine(server);

        var outcome = Assert.Single(await engine.TranslateAsync(Batch(1), CancellationToken.None));

        Assert.StartsWith("The engine refused the call: HTTP 401", outcome.Error, StringComparison.Ordinal);
        Assert.Equal(1, server.Calls);
    }

    [Theory]
    [InlineData("Sorry, I cannot help with that.")]
    [InlineData("""["only one"]""")]
    [InlineData("""{"translations":["a","b"]}""")]
    public async Task A_reply_that_is_not_one_string_per_text_fails_every_text_of_the_call(string content)
    {
        await using var server = await ChatServer.StartAsync((_, _, _) => Task.FromResult<string?>(ChatServer.Completion(content)));
        using var engine = Engine(server);

        var outcomes = await engine.TranslateAsync(Batch(2), CancellationToken.None);

        Assert.All(outcomes, o => Assert.StartsWith("Malformed reply", o.Error, StringComparison.Ordinal));
        Assert.Equal(1, server.Calls);
    }

    [Fact]
    public async Task A_body_that_is_not_a_completion_fails_the_texts()
    {
        await using var server = await ChatServer.StartAsync((_, _, _) => Task.FromResult<string?>("""{"choices":[]}"""));
        using var engine = Engine(server);

        var outcome = Assert.Single(await engine.TranslateAsync(Batch(1), CancellationToken.None));

        Assert.StartsWith("Malformed reply", outcome.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Keeps_at_most_the_configured_calls_in_flight()
    {
        await using var server = await ChatServer.StartAsync(async (_, texts, _) =>
        {
            await Task.Delay(100);
            return await ChatServer.Reply(texts);
        });
        using var engine = Engine(server, o => { o.MaxTextsPerCall = 1; o.MaxConcurrency = 2; });

        var outcomes = await engine.TranslateAsync(Batch(8), CancellationToken.None);

        Assert.All(outcomes, o => Assert.NotNull(o.Text));
        Assert.Equal(8, server.Calls);
        Assert.InRange(server.MaxInFlight, 1, 2);
    }

    [Fact]
    public void Accepts_an_array_wrapped_in_a_markdown_fence()
    {
        var outcomes = OpenAiEngine.Parse("```json\n[\"un\", \"deux\"]\n```", 2);
        Assert.Equal(new[] { "un", "deux" }, outcomes.Select(o => o.Text!));
    }

    [Fact]
    public void Sends_contexts_with_their_texts_when_there_are_any()
    {
        Assert.Equal("""["a","b"]""", OpenAiEngine.Payload([new("a", null), new("b", null)], withContext: false));
        Assert.Equal(
            """[{"text":"a","context":{"screen":"home"}},{"text":"b"}]""",
            OpenAiEngine.Payload([new("a", """{"screen":"home"}"""), new("b", null)], withContext: true));
    }

    /// <summary>
    /// A chat-completions endpoint. The handler gets the call number, the texts of the user message and the context;
    /// it returns the body to send with 200, or null to answer <c>failStatus</c>.
    /// </summary>
    private sealed class ChatServer : IAsyncDisposable
    {
        private readonly WebApplication _app;
        private int _calls;
        private int _inFlight;
        private int _maxInFlight;

        private ChatServer(WebApplication app) => _app = app;

        public string BaseUrl { get; private set; } = "";

        public int Calls => _calls;

        public int MaxInFlight => _maxInFlight;

        public List<(string? Authorization, JsonElement Body)> Requests { get; } = [];

        public static async Task<ChatServer> StartAsync(
            Func<int, IReadOnlyList<string>, HttpContext, Task<string?>> respond, int failStatus = StatusCodes.Status500InternalServerError)
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Logging.ClearProviders();
            var app = builder.Build();
            var server = new ChatServer(app);
            app.MapPost("/v1/chat/completions", async context =>
            {
                var call = Interlocked.Increment(ref server._calls);
                var inFlight = Interlocked.Increment(ref server._inFlight);
                InterlockedMax(ref server._maxInFlight, inFlight);
                try
                {
                    var body = await JsonSerializer.DeserializeAsync<JsonElement>(context.Request.Body);
                    lock (server.Requests)
                    {
                        server.Requests.Add((context.Request.Headers.Authorization.ToString(), body));
                    }

                    var texts = JsonSerializer.Deserialize<string[]>(body.GetProperty("messages")[1].GetProperty("content").GetString()!)!;
                    var reply = await respond(call, texts, context);
                    context.Response.StatusCode = reply is null ? failStatus : StatusCodes.Status200OK;
                    context.Response.ContentType = "application/json";
                    await context.Response.WriteAsync(reply ?? """{"error":{"message":"no"}}""");
                }
                finally
                {
                    Interlocked.Decrement(ref server._inFlight);
                }
            });
            await app.StartAsync();
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            server.BaseUrl = address + "/v1";
            return server;
        }

        public static Task<string?> Reply(IEnumerable<string> translations) =>
            Task.FromResult<string?>(Completion(JsonSerializer.Serialize(translations.ToArray())));

        public static string Completion(string content) => JsonSerializer.Serialize(new
        {
            id = "chatcmpl-1",
            @object = "chat.completion",
            choices = new[] { new { index = 0, message = new { role = "assistant", content }, finish_reason = "stop" } },
            usage = new { prompt_tokens = 1, completion_tokens = 1, total_tokens = 2 },
        });

        private static void InterlockedMax(ref int target, int value)
        {
            int current;
            while (value > (current = Volatile.Read(ref target)) && Interlocked.CompareExchange(ref target, value, current) != current)
            {
            }
        }

        public async ValueTask DisposeAsync()
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }
}
