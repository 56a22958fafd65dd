using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.Features;

namespace Persistence.Api.Ingest;

/// <summary>
/// Reads a batch body within the configured size, turning every client mistake into a <see cref="FieldError"/>
/// (with the item index where the JSON path gives one) instead of an exception.
/// </summary>
public static partial class BatchReader
{
    public static async Task<BatchReadResult<T>> ReadAsync<T>(
        HttpRequest request, JsonTypeInfo<T> typeInfo, long maxBodyBytes, CancellationToken cancellationToken)
        where T : class
    {
        if (request.ContentLength > maxBodyBytes)
        {
            return TooLarge<T>($"The body is {request.ContentLength} bytes; the limit is {maxBodyBytes}.");
        }

        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } sizeFeature)
        {
            sizeFeature.MaxRequestBodySize = maxBodyBytes;
        }

        if (!request.HasJsonContentType())
        {
            return Invalid<T>(new FieldError(null, "", "Content-Type must be application/json."));
        }

        try
        {
            var batch = await JsonSerializer.DeserializeAsync(request.Body, typeInfo, cancellationToken);
            return batch is null
                ? Invalid<T>(new FieldError(null, "", "The body must be a JSON object, not null."))
                : new BatchReadResult<T>(batch, null, false);
        }
        catch (JsonException ex)
        {
            return Invalid<T>(Describe(ex));
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return TooLarge<T>($"The body exceeds the limit of {maxBodyBytes} bytes.");
        }
    }

    private static BatchReadResult<T> Invalid<T>(FieldError error)
        where T : class => new(null, error, false);

    private static BatchReadResult<T> TooLarge<T>(string message)
        where T : class => new(null, new FieldError(null, "", message), true);

    /// <summary>Maps a path such as <c>$.tasks[3].attempts</c> to item 3, field <c>attempts</c>.</summary>
    internal static FieldError Describe(JsonException exception)
    {
        // The serializer names our CLR type when a value has the wrong JSON type; clients know only the JSON.
        var message = exception.Message.StartsWith("The JSON value could not be converted", StringComparison.Ordinal)
            ? "has the wrong JSON type for this field"
            : FirstSentence(exception.Message);
        var match = exception.Path is null ? Match.Empty : ItemPath().Match(exception.Path);
        if (!match.Success)
        {
            var location = exception.LineNumber is { } line ? $" (line {line + 1}, byte {exception.BytePositionInLine + 1})" : "";
            return new FieldError(null, exception.Path?.TrimStart('$', '.') ?? "", message + location);
        }

        return new FieldError(int.Parse(match.Groups["index"].ValueSpan, provider: null), match.Groups["field"].Value, message);
    }

    private static string FirstSentence(string message)
    {
        // The serializer appends "Path: ... | LineNumber: ..." which we report as structured fields instead.
        var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        return cut > 0 ? message[..cut] : message;
    }

    [GeneratedRegex(@"^\$\.\w+\[(?<index>\d+)\]\.?(?<field>.*)$", RegexOptions.CultureInvariant)]
    private static partial Regex ItemPath();
}

public sealed record BatchReadResult<T>(T? Batch, FieldError? Error, bool IsTooLarge)
    where T : class;
