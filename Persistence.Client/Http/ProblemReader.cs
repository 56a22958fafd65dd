using System.Net.Http.Headers;
using System.Text.Json;

namespace Persistence.Client.Http;

/// <summary>Turns an error answer into a <see cref="PersistenceApiException"/>, reading its problem+json when it has one.</summary>
internal static class ProblemReader
{
    public static async Task<PersistenceApiException> ReadAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        string? title = null;
        string? detail = null;
        var errors = new List<FieldProblem>();
        try
        {
            var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
            if (body.Length > 0)
            {
                using var document = JsonDocument.Parse(body);
                var root = document.RootElement;
                title = Text(root, "title");
                detail = Text(root, "detail");
                if (root.TryGetProperty("errors", out var list) && list.ValueKind == JsonValueKind.Array)
                {
                    foreach (var item in list.EnumerateArray())
                    {
                        int? index = item.TryGetProperty("index", out var i) && i.ValueKind == JsonValueKind.Number ? i.GetInt32() : null;
                        errors.Add(new FieldProblem(index, Text(item, "field"), Text(item, "message")));
                    }
                }
            }
        }
        catch (JsonException)
        {
            // Not problem+json (a proxy's page, say): the status code is all there is to say.
        }

        return new PersistenceApiException(response.StatusCode, title ?? response.ReasonPhrase, detail, errors, RetryAfter(response.Headers.RetryAfter));
    }

    public static TimeSpan? RetryAfter(RetryConditionHeaderValue? header) => header switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } => date - DateTimeOffset.UtcNow is var wait && wait > TimeSpan.Zero ? wait : TimeSpan.Zero,
        _ => null,
    };

    private static string? Text(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;
}
