using System.Buffers.Binary;
using Persistence.Contracts;

namespace Translation.Worker.Flushing;

/// <summary>
/// The 24-byte order key stored with each row: updated_at (µs since the epoch), then the stream entry id. Compared
/// as bytes by MySQL, a later state of a record always sorts higher, and the same state replayed sorts equal.
/// </summary>
public static class RowVersion
{
    public const int Length = 24;

    public static byte[] Create(DateTimeOffset updatedAt, StreamId entryId)
    {
        var bytes = new byte[Length];
        var micros = (updatedAt.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / TimeSpan.TicksPerMicrosecond;
        BinaryPrimitives.WriteUInt64BigEndian(bytes, (ulong)Math.Max(0, micros));
        BinaryPrimitives.WriteUInt64BigEndian(bytes.AsSpan(8), entryId.Milliseconds);
        BinaryPrimitives.WriteUInt64BigEndian(bytes.AsSpan(16), entryId.Sequence);
        return bytes;
    }
}
