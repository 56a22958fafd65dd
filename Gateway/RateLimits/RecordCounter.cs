using System.Buffers;
using System.Text.Json;

namespace Gateway.RateLimits;

/// <summary>
/// Counts the records of a batch body (the items of its first top-level array) so a batch is charged by its size.
/// The body is read once into a pooled buffer and handed on to the proxy from there.
/// </summary>
public static class RecordCounter
{
    /// <summary>The record count, or null when the body passes <paramref name="maxBytes"/>.</summary>
    public static async Task<long?> CountAndRewindAsync(HttpRequest request, long maxBytes, CancellationToken cancellationToken)
    {
        var capacity = (int)Math.Min(maxBytes + 1, request.ContentLength is { } length ? length + 1 : 64 * 1024);
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Max(capacity, 1024));
        var filled = 0;
        try
        {
            while (true)
            {
                if (filled == buffer.Length)
                {
                    if (filled > maxBytes)
                    {
                        break;
                    }

                    var larger = ArrayPool<byte>.Shared.Rent((int)Math.Min((long)buffer.Length * 2, maxBytes + 1));
                    buffer.AsSpan(0, filled).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }

                var read = await request.Body.ReadAsync(buffer.AsMemory(filled), cancellationToken);
                if (read == 0)
                {
                    break;
                }

                filled += read;
            }
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }

        if (filled > maxBytes)
        {
            ArrayPool<byte>.Shared.Return(buffer);
            return null;
        }

        var pooled = buffer;
        request.HttpContext.Response.RegisterForDispose(new ReturnToPool(pooled));
        request.Body = new MemoryStream(pooled, 0, filled, writable: false);
        return Count(pooled.AsSpan(0, filled));
    }

    /// <summary>Items of the first array under the root object; 1 for anything else, which the API will refuse.</summary>
    public static long Count(ReadOnlySpan<byte> json)
    {
        try
        {
            var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 64 });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return 1;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                reader.Read();
                if (reader.TokenType != JsonTokenType.StartArray)
                {
                    reader.Skip();
                    continue;
                }

                long items = 0;
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    items++;
                    reader.Skip();
                }

                return Math.Max(items, 1);
            }
        }
        catch (JsonException)
        {
            // Malformed: the API answers 400 and names the problem; charge it as one record.
        }

        return 1;
    }

    private sealed class ReturnToPool(byte[] buffer) : IDisposable
    {
        public void Dispose() => ArrayPool<byte>.Shared.Return(buffer);
    }
}
