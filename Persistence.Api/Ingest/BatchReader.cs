using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.Features;
using Persistence.Contracts;

namespace Persistence.Api.Ingest;

/// <summary>
/// Reads a batch body within the configured size, turning every client mistake into a <see cref="FieldError"/>
/// (with the item index where the JSON path gives one) instead of an exception.
/// </summary>
public static partial class BatchReader
{
    /// <summary>Reads a body that is not a list of records (no item limit).</summary>
    public static Task<BatchReadResult<T>> ReadAsync<T>(
        HttpRequest request, JsonTypeInfo<T> typeInfo, long maxBodyBytes, CancellationToken cancellationToken)
        where T : class => ReadAsync(request, typeInfo, maxBodyBytes, int.MaxValue, cancellationToken);

    /// <summary>
    /// Reads a batch of at most <paramref name="maxItems"/> records, read the way the gateway charged it
    /// (<see cref="BatchBody"/>): the body is checked and its items counted before one record is built.
    /// </summary>
    public static Task<BatchReadResult<T>> ReadAsync<T>(
        HttpRequest request, JsonTypeInfo<T> typeInfo, long maxBodyBytes, int maxItems, CancellationToken cancellationToken)
        where T : class => ReadAsync(request, typeInfo, null, maxBodyBytes, maxItems, cancellationToken);

    /// <summary>
    /// Reads a batch as <see cref="ReadAsync{T}(HttpRequest, JsonTypeInfo{T}, long, int, CancellationToken)"/> does and
    /// keeps the bytes of each item of its <paramref name="itemsProperty"/> array as sent (<see cref="RawItems"/>), so
    /// what is appended is what was read and validated, not a second serialization of it.
    /// </summary>
    public static Task<BatchReadResult<T>> ReadWithItemsAsync<T>(
        HttpRequest request, JsonTypeInfo<T> typeInfo, string itemsProperty, long maxBodyBytes, int maxItems, CancellationToken cancellationToken)
        where T : class => ReadAsync(request, typeInfo, itemsProperty, maxBodyBytes, maxItems, cancellationToken);

    private static async Task<BatchReadResult<T>> ReadAsync<T>(
        HttpRequest request, JsonTypeInfo<T> typeInfo, string? itemsProperty, long maxBodyBytes, int maxItems, CancellationToken cancellationToken)
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

        byte[]? buffer = null;
        try
        {
            (buffer, var length) = await BufferAsync(request.Body, request.ContentLength, maxBodyBytes, cancellationToken);
            if (length > maxBodyBytes)
            {
                return TooLarge<T>($"The body exceeds the limit of {maxBodyBytes} bytes.");
            }

            return Parse(buffer.AsSpan(0, length), typeInfo, itemsProperty, maxItems);
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return TooLarge<T>($"The body exceeds the limit of {maxBodyBytes} bytes.");
        }
        finally
        {
            if (buffer is not null)
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }

    /// <summary>The reading of a whole body: the batch, each item's bytes when <paramref name="itemsProperty"/> is given, or why not.</summary>
    internal static BatchReadResult<T> Parse<T>(ReadOnlySpan<byte> body, JsonTypeInfo<T> typeInfo, string? itemsProperty, int maxItems)
        where T : class
    {
        var reading = BatchBody.Read(body, maxItems);
        switch (reading.Problem)
        {
            case BatchBodyProblem.ByteOrderMark:
                return Invalid<T>(new FieldError(null, "", "The body starts with a UTF-8 byte order mark; send UTF-8 without one."));
            case BatchBodyProblem.DuplicateProperty:
                return Invalid<T>(new FieldError(null, reading.Property!, "appears more than once at the top level of the body; send it once."));
            case BatchBodyProblem.IllFormedText:
                return Invalid<T>(new FieldError(reading.Index, reading.Property!, BatchBody.IllFormedTextMessage));
            case BatchBodyProblem.TooManyItems:
                return TooLarge<T>($"The batch has more than {maxItems} {reading.Property}; the limit is {maxItems}.");
        }

        try
        {
            // Malformed bodies too: the serializer names the item and field of what is wrong.
            var batch = JsonSerializer.Deserialize(body, typeInfo);
            return batch is null
                ? Invalid<T>(new FieldError(null, "", "The body must be a JSON object, not null."))
                : new BatchReadResult<T>(batch, null, false, itemsProperty is null ? null : RawItems.Capture(body, itemsProperty));
        }
        catch (JsonException ex)
        {
            return Invalid<T>(Describe(ex));
        }
    }

    /// <summary>The first buffer of a body; it doubles as bytes arrive.</summary>
    public const int InitialBufferBytes = 64 * 1024;

    /// <summary>The body in a pooled buffer; a length over <paramref name="maxBytes"/> means it was cut off there.</summary>
    private static async Task<(byte[] Buffer, int Length)> BufferAsync(
        Stream body, long? declaredLength, long maxBytes, CancellationToken cancellationToken)
    {
        // Sized by what has arrived, never by what is declared: a declared 16 MiB that never comes costs 64 KiB.
        var buffer = ArrayPool<byte>.Shared.Rent((int)Math.Clamp(Math.Min(declaredLength ?? InitialBufferBytes, InitialBufferBytes) + 1, 1024, maxBytes + 1));
        var length = 0;
        try
        {
            while (length <= maxBytes)
            {
                if (length == buffer.Length)
                {
                    var larger = ArrayPool<byte>.Shared.Rent((int)Math.Min((long)buffer.Length * 2, maxBytes + 1));
                    buffer.AsSpan(0, length).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }

                var read = await body.ReadAsync(buffer.AsMemory(length), cancellationToken);
                if (read == 0)
                {
                    break;
                }

                length += read;
            }

            return (buffer, length);
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
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

/// <summary>A read batch, or why not; <see cref="Items"/> holds each item's bytes as sent, when asked for.</summary>
public sealed record BatchReadResult<T>(T? Batch, FieldError? Error, bool IsTooLarge, IReadOnlyList<byte[]>? Items = null)
    where T : class;
