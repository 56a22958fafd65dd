using Persistence.Contracts;
using Translation.Worker.Flushing;

namespace Translation.Worker.Tests;

/// <summary>MySQL compares row versions as bytes; byte order must be the order of record states.</summary>
public sealed class RowVersionTests
{
    private static readonly DateTimeOffset At = new(2026, 5, 1, 12, 0, 0, TimeSpan.Zero);

    private static int Compare(byte[] left, byte[] right) => left.AsSpan().SequenceCompareTo(right);

    [Fact]
    public void A_later_updated_at_wins_even_from_an_older_stream_entry() =>
        Assert.True(Compare(RowVersion.Create(At.AddTicks(10), new StreamId(1, 0)), RowVersion.Create(At, new StreamId(9_999_999_999_999, 99))) > 0);

    [Fact]
    public void The_same_updated_at_is_ordered_by_stream_entry()
    {
        Assert.True(Compare(RowVersion.Create(At, new StreamId(1000, 2)), RowVersion.Create(At, new StreamId(1000, 1))) > 0);
        Assert.True(Compare(RowVersion.Create(At, new StreamId(1001, 0)), RowVersion.Create(At, new StreamId(1000, 99))) > 0);
    }

    [Fact]
    public void A_replayed_entry_has_an_equal_version() =>
        Assert.Equal(RowVersion.Create(At, new StreamId(5, 5)), RowVersion.Create(At.ToOffset(TimeSpan.FromHours(8)), new StreamId(5, 5)));

    [Fact]
    public void Microseconds_are_significant() =>
        Assert.True(Compare(RowVersion.Create(At.AddTicks(TimeSpan.TicksPerMicrosecond), StreamId.Zero), RowVersion.Create(At, StreamId.Zero)) > 0);
}
