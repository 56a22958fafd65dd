using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;
using Persistence.Contracts;

namespace Translation.Worker.Processing;

/// <summary>
/// An OpenAI-compatible chat-completions engine. Texts go in groups of <see cref="OpenAiOptions.MaxTextsPerCall"/> as
/// a JSON array and must come back as an array of the same length; at most <see cref="OpenAiOptions.MaxConcurrency"/>
/// calls are in flight. 429 and 5xx answers, timeouts and broken connections are retried with back-off, waiting at
/// least what <c>Retry-After</c> asks. A reply that is not such an array fails its texts, which the job retries.
/// </summary>
public sealed class OpenAiEngine(HttpClient http, IOptions<OpenAiOptions> options, TimeProvider time, ILogger<OpenAiEngine> logger)
    : ITranslationEngine, IDisposable
{
    private readonly OpenAiOptions _options = options.Value;
    private readonly SemaphoreSlim _calls = new(options.Value.MaxConcurrency, options.Value.MaxConcurrency);

    public string Name => TranslationEngines.OpenAi;

    public string Producer => $"{TranslationEngines.OpenAi}:{_options.Model}";

    public string Version => _options.Model;

    public async Task<IReadOnlyList<EngineOutcome>> TranslateAsync(EngineBatch batch, CancellationToken cancellationToken)
    {
        var groups = batch.Texts.Chunk(_options.MaxTextsPerCall).ToList();
        var answers = await Task.WhenAll(groups.Select(group => TranslateGroupAsync(batch.SourceLang, batch.TargetLang, group, cancellationToken)));
        return [.. answers.SelectMany(a => a)];
    }

    private async Task<IReadOnlyList<EngineOutcome>> TranslateGroupAsync(
        string sourceLang, string targetLang, EngineText[] texts, CancellationToken cancellationToken)
    {
        var request = BuildRequest(sourceLang, targetLang, texts);
        await _calls.WaitAsync(cancellationToken);
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                var (reply, retryAfter, problem) = await SendAsync(request, cancellationToken);
                if (reply is not null)
                {
                    return Parse(reply, texts.Length);
                }

                if (retryAfter is null || attempt > _options.MaxRetries)
                {
                    return [.. texts.Select(_ => EngineOutcome.Failure(problem!))];
                }

                var backoff = RetryBackoff.Delay(
                    attempt, TimeSpan.FromMilliseconds(_options.RetryBaseDelayMs), TimeSpan.FromMilliseconds(_options.MaxRetryDelayMs));
                var delay = TimeSpan.FromMilliseconds(Math.Min(_options.MaxRetryDelayMs, Math.Max(backoff.TotalMilliseconds, retryAfter.Value.TotalMilliseconds)));
                Log.EngineRetry(logger, problem!, attempt, delay.TotalMilliseconds);
                await Task.Delay(delay, time, cancellationToken);
            }
        }
        finally
        {
            _calls.Release();
        }
    }

    /// <summary>The reply's content; or, for a retryable failure, how long the server asked to wait (zero if it did not say).</summary>
    private async Task<(string? Reply, TimeSpan? RetryAfter, string? Problem)> SendAsync(ChatRequest request, CancellationToken cancellationToken)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(_options.TimeoutSeconds), time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        using var message = new HttpRequestMessage(HttpMethod.Post, new Uri(_options.BaseUrl.TrimEnd('/') + "/chat/completions"))
        {
            Content = JsonContent.Create(request, OpenAiJsonContext.Default.ChatRequest),
        };
        message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _options.ApiKey);
        try
        {
            using var response = await http.SendAsync(message, linked.Token);
            if (response.StatusCode == HttpStatusCode.TooManyRequests || (int)response.StatusCode >= 500)
            {
                return (null, RetryAfter(response), $"HTTP {(int)response.StatusCode}");
            }

            if (!response.IsSuccessStatusCode)
            {
                var body = await response.Content.ReadAsStringAsync(linked.Token);
                return (null, null, $"The engine refused the call: HTTP {(int)response.StatusCode} {Truncate(body)}");
            }

            var reply = await response.Content.ReadFromJsonAsync(OpenAiJsonContext.Default.ChatResponse, linked.Token);
            return reply?.Choices is [{ Message.Content: { } content }, ..]
                ? (content, null, null)
                : (null, null, "Malformed reply: no choices[0].message.content.");
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return (null, TimeSpan.Zero, $"no answer within {_options.TimeoutSeconds} s");
        }
        catch (HttpRequestException ex)
        {
            return (null, TimeSpan.Zero, ex.Message);
        }
        catch (JsonException ex)
        {
            return (null, null, $"Malformed reply: {ex.Message}");
        }
    }

    private TimeSpan RetryAfter(HttpResponseMessage response) =>
        response.Headers.RetryAfter switch
        {
            { Delta: { } delta } => delta,
            { Date: { } date } => date - time.GetUtcNow() is var wait && wait > TimeSpan.Zero ? wait : TimeSpan.Zero,
            _ => TimeSpan.Zero,
        };

    private ChatRequest BuildRequest(string sourceLang, string targetLang, IReadOnlyList<EngineText> texts)
    {
        var withContext = texts.Any(t => t.Context is not null);
        var system = new StringBuilder()
            .Append("You are a professional translator. Translate each string of the JSON array the user sends from ")
            .Append(sourceLang).Append(" to ").Append(targetLang)
            .Append(". Keep placeholders, markup and line breaks. Answer with only a JSON array of strings: the translations, in the same order, ")
            .Append("exactly one per input string.");
        if (withContext)
        {
            system.Append(" Each input is an object with the text and a context describing where it is used; translate only the text.");
        }

        return new ChatRequest(_options.Model, 0, [new("system", system.ToString()), new("user", Payload(texts, withContext))]);
    }

    internal static string Payload(IReadOnlyList<EngineText> texts, bool withContext)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            foreach (var text in texts)
            {
                if (!withContext)
                {
                    writer.WriteStringValue(text.Text);
                    continue;
                }

                writer.WriteStartObject();
                writer.WriteString("text", text.Text);
                if (text.Context is not null)
                {
                    writer.WritePropertyName("context");
                    writer.WriteRawValue(text.Context);
                }

                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>One outcome per text from the model's answer, or the same error for all when it is not usable.</summary>
    internal static IReadOnlyList<EngineOutcome> Parse(string content, int expected)
    {
        var json = content.Trim();
        // Models often wrap JSON in a Markdown fence despite being asked not to.
        if (json.StartsWith("```", StringComparison.Ordinal))
        {
            var firstLine = json.IndexOf('\n', StringComparison.Ordinal);
            var closing = json.LastIndexOf("```", StringComparison.Ordinal);
            json = firstLine > 0 && closing > firstLine ? json[(firstLine + 1)..closing].Trim() : json;
        }

        string?[]? translations;
        try
        {
            translations = JsonSerializer.Deserialize(json, OpenAiJsonContext.Default.StringArray);
        }
        catch (JsonException)
        {
            return Fail($"Malformed reply: not a JSON array of strings: {Truncate(content)}");
        }

        if (translations is null || translations.Length != expected)
        {
            return Fail($"Malformed reply: {translations?.Length ?? 0} translations for {expected} texts.");
        }

        return [.. translations.Select(t => string.IsNullOrEmpty(t) ? EngineOutcome.Failure("Malformed reply: an empty translation.") : EngineOutcome.Success(t))];

        IReadOnlyList<EngineOutcome> Fail(string error) => [.. Enumerable.Repeat(EngineOutcome.Failure(error), expected)];
    }

    private static string Truncate(string text) => text.Length <= 200 ? text : text[..200] + "…";

    public void Dispose() => _calls.Dispose();
}

public sealed record ChatRequest(string Model, double Temperature, IReadOnlyList<ChatMessage> Messages);

public sealed record ChatMessage(string Role, string? Content);

public sealed record ChatResponse(IReadOnlyList<ChatChoice>? Choices);

public sealed record ChatChoice(ChatMessage? Message);

/// <summary>The chat-completions wire format; replies carry many members we do not use.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(ChatRequest))]
[JsonSerializable(typeof(ChatResponse))]
[JsonSerializable(typeof(string[]))]
public sealed partial class OpenAiJsonContext : JsonSerializerContext;
