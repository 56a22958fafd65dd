using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Persistence.Client.Http;
using Persistence.Contracts;

namespace Persistence.Client;

/// <summary>
/// Typed calls of every endpoint of the translation persistence API, through the gateway. Register it with
/// <c>services.AddPersistenceClient(…)</c>; or construct it over an <see cref="HttpClient"/> whose
/// <see cref="HttpClient.BaseAddress"/> is the gateway and which sends the <c>X-API-Key</c> header.
/// </summary>
/// <remarks>
/// Error answers throw <see cref="PersistenceApiException"/> (with the problem's fields and <c>Retry-After</c>), except
/// that a 404 of a single-row read returns null. Every write is idempotent, so retrying one is safe.
/// </remarks>
public sealed partial class PersistenceClient
{
    private static readonly MediaTypeHeaderValue Json = new("application/json");

    private readonly HttpClient _http;

    /// <summary>Creates a client over <paramref name="http"/>, which must know the gateway's address and the key.</summary>
    public PersistenceClient(HttpClient http)
    {
        ArgumentNullException.ThrowIfNull(http);
        _http = http;
    }

    private static ByteArrayContent Body<T>(T value, JsonTypeInfo<T> type)
    {
        // Serialized once up front: the length is known, and a resend by the resilience handler sends the same bytes.
        var content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(value, type));
        content.Headers.ContentType = Json;
        return content;
    }

    /// <summary>
    /// <see cref="ApiRoutes"/> are rooted (<c>/api/v1/…</c>); resolved relative to the base address instead, a gateway
    /// behind a path prefix (<c>https://host/persistence/</c>) keeps its prefix.
    /// </summary>
    private static Uri Relative(string uri) => new(uri.TrimStart('/'), UriKind.Relative);

    private async Task<T> SendAsync<T>(HttpMethod method, string uri, HttpContent? content, JsonTypeInfo<T> answer, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, Relative(uri)) { Content = content };
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        await EnsureSuccessAsync(response, cancellationToken);
        return await ReadAsync(response, answer, cancellationToken);
    }

    /// <summary>A single-row read: null when the API answers 404.</summary>
    private async Task<T?> GetOrNullAsync<T>(string uri, JsonTypeInfo<T> answer, CancellationToken cancellationToken)
        where T : class
    {
        using var response = await _http.GetAsync(Relative(uri), HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        await EnsureSuccessAsync(response, cancellationToken);
        return await ReadAsync(response, answer, cancellationToken);
    }

    private static async Task<T> ReadAsync<T>(HttpResponseMessage response, JsonTypeInfo<T> answer, CancellationToken cancellationToken)
    {
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        return await JsonSerializer.DeserializeAsync(body, answer, cancellationToken)
            ?? throw new JsonException($"The API answered {(int)response.StatusCode} with an empty body.");
    }

    private static async Task EnsureSuccessAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (!response.IsSuccessStatusCode)
        {
            throw await ProblemReader.ReadAsync(response, cancellationToken);
        }
    }
}
