using System.Buffers;
using Persistence.Contracts;

namespace Gateway.RateLimits;

/// <summary>
/// Counts the records of a batch body so a batch is charged by its size, reading it as the API will
/// (<see cref="BatchBody"/>). The body is read once into a pooled buffer and handed on to the proxy from there.
/// </summary>
public static class RecordCounter
{
    /// <summary>The first buffer of a body; it doubles as bytes arrive.</summary>
    public const int InitialBufferBytes = 64 * 1024;

    /// <summary>The reading of the body, or null when the body passes <paramref name="maxBytes"/>.</summary>
    public static async Task<BatchBodyReading?> ReadAndRewindAsync(HttpRequest request, long maxBytes, CancellationToken cancellationToken)
    {
        // Sized by what has arrived, never by what is declared: a declared 16 MiB that never comes costs 64 KiB.
        var capacity = (int)Math.Min(Math.Min(maxBytes + 1, InitialBufferBytes), request.ContentLength is { } length ? length + 1 : InitialBufferBytes);
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
        return BatchBody.Read(pooled.AsSpan(0, filled));
    }

    /// <summary>Records to charge: the items the API will store; one for a body it will refuse as malformed.</summary>
    public static long Charge(BatchBodyReading reading) =>
        reading.Problem == BatchBodyProblem.None ? Math.Max(reading.Items, 1) : 1;

    public static long Count(ReadOnlySpan<byte> json) => Charge(BatchBody.Read(json));

    /// <summary>
    /// The field and reason for a body the gateway and the API could read differently, refused here as the API
    /// refuses it; null for a body to pass on.
    /// </summary>
    public static (string Field, int? Index, string Message)? Refusal(BatchBodyReading reading) => reading.Problem switch
    {
        BatchBodyProblem.ByteOrderMark => ("", null, "The body starts with a UTF-8 byte order mark; send UTF-8 without one."),
        BatchBodyProblem.DuplicateProperty => (reading.Property!, null, $"'{reading.Property}' appears more than once at the top level of the body; send it once."),
        // Refused here too: it cannot be counted, logged or passed on as text, and the API would refuse it anyway.
        BatchBodyProblem.IllFormedText => (reading.Property!, reading.Index, BatchBody.IllFormedTextMessage),
        _ => null,
    };

    private sealed class ReturnToPool(byte[] buffer) : IDisposable
    {
        public void Dispose() => ArrayPool<byte>.Shared.Return(buffer);
    }
}
