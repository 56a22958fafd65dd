using System.Globalization;

namespace Persistence.Contracts;

/// <summary>A Redis stream entry id (<c>milliseconds-sequence</c>), comparable in stream order.</summary>
public readonly record struct StreamId(ulong Milliseconds, ulong Sequence) : IComparable<StreamId>
{
    public static StreamId Zero { get; }

    public static StreamId Parse(string? value)
    {
        if (!TryParse(value, out var id))
        {
            throw new FormatException($"'{value}' is not a stream entry id.");
        }

        return id;
    }

    public static bool TryParse(string? value, out StreamId id)
    {
        id = default;
        if (string.IsNullOrEmpty(value))
        {
            return false;
        }

        var dash = value.IndexOf('-', StringComparison.Ordinal);
        var msPart = dash < 0 ? value.AsSpan() : value.AsSpan(0, dash);
        var seqPart = dash < 0 ? "0".AsSpan() : value.AsSpan(dash + 1);
        if (!ulong.TryParse(msPart, NumberStyles.None, CultureInfo.InvariantCulture, out var ms)
            || !ulong.TryParse(seqPart, NumberStyles.None, CultureInfo.InvariantCulture, out var seq))
        {
            return false;
        }

        id = new StreamId(ms, seq);
        return true;
    }

    /// <summary>The smallest id strictly greater than this one.</summary>
    public StreamId Next() => Sequence == ulong.MaxValue ? new(Milliseconds + 1, 0) : new(Milliseconds, Sequence + 1);

    public int CompareTo(StreamId other)
    {
        var byTime = Milliseconds.CompareTo(other.Milliseconds);
        return byTime != 0 ? byTime : Sequence.CompareTo(other.Sequence);
    }

    public static bool operator <(StreamId left, StreamId right) => left.CompareTo(right) < 0;
    public static bool operator >(StreamId left, StreamId right) => left.CompareTo(right) > 0;
    public static bool operator <=(StreamId left, StreamId right) => left.CompareTo(right) <= 0;
    public static bool operator >=(StreamId left, StreamId right) => left.CompareTo(right) >= 0;

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Milliseconds}-{Sequence}");
}
