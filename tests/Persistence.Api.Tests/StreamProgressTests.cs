using Persistence.Api.Pipeline;
using Persistence.Contracts;

namespace Persistence.Api.Tests;

/// <summary>The flush barrier's rule for "everything up to the target is committed".</summary>
public sealed class StreamProgressTests
{
    private static readonly StreamId Target = new(1000, 5);

    private static StreamProgress Progress(StreamId delivered, long pending, StreamId? lowestPending, bool groupExists = true) =>
        new("s", 10, new StreamId(2000, 0), groupExists, delivered, pending, lowestPending, 0, 1);

    [Fact]
    public void Committed_when_delivered_past_the_target_and_nothing_pending() =>
        Assert.True(Progress(new StreamId(1000, 5), 0, null).HasCommittedThrough(Target));

    [Fact]
    public void Not_committed_while_the_target_is_undelivered() =>
        Assert.False(Progress(new StreamId(1000, 4), 0, null).HasCommittedThrough(Target));

    [Fact]
    public void Not_committed_while_an_entry_at_or_below_the_target_is_pending() =>
        Assert.False(Progress(new StreamId(1500, 0), 3, new StreamId(1000, 5)).HasCommittedThrough(Target));

    [Fact]
    public void Pending_entries_newer_than_the_target_do_not_hold_the_barrier() =>
        Assert.True(Progress(new StreamId(1500, 0), 3, new StreamId(1000, 6)).HasCommittedThrough(Target));

    [Fact]
    public void Without_a_consumer_group_nothing_is_committed_unless_nothing_was_written()
    {
        Assert.False(Progress(StreamId.Zero, 0, null, groupExists: false).HasCommittedThrough(Target));
        Assert.True(Progress(StreamId.Zero, 0, null, groupExists: false).HasCommittedThrough(StreamId.Zero));
    }

    [Theory]
    [InlineData(100, 3, 40L, 43)]
    [InlineData(100, 0, null, 100)]
    // Redis 7.0 after an AOF reload: a lag of 33,929 on an empty stream. Nothing can be uncommitted there.
    [InlineData(0, 0, 33_929L, 0)]
    [InlineData(10, 2, 33_929L, 10)]
    public void Uncommitted_entries_never_exceed_what_the_stream_holds(long length, long pending, long? lag, long expected) =>
        Assert.Equal(expected, new StreamProgress("s", length, new StreamId(2000, 0), true, new StreamId(1000, 0), pending, null, lag, 1).Uncommitted);

    [Theory]
    // Batch entries: the counter holds their records.
    [InlineData(4_300L, 4_300)]
    // Single-record entries left by the previous release are not counted: each is one record.
    [InlineData(0L, 43)]
    [InlineData(12L, 43)]
    public void Uncommitted_records_are_the_backlog_counter_and_at_least_one_per_uncommitted_entry(long counted, long expected) =>
        Assert.Equal(expected, new StreamProgress("s", 100, new StreamId(2000, 0), true, new StreamId(1000, 0), 3, null, 40, 1) { CountedRecords = counted }.UncommittedRecords);
}
