using System.Text;
using Persistence.Contracts;
using StackExchange.Redis;
using Translation.Worker.Flushing;

namespace Translation.Worker.Tests;

/// <summary>Batch entries: one stream entry holding the items one request sent to one shard.</summary>
public sealed class BatchEntryTests
{
    private static readonly byte[][] Items =
    [
        Encoding.UTF8.GetBytes("""{"task_id":"t-1","session_id":"s-1","status":"pending","created_at":"2026-01-01T00:00:00Z","updated_at":"2026-01-01T00:00:01Z"}"""),
        Encoding.UTF8.GetBytes("""{ "task_id" : "t-2", "session_id":"s-1","status":"completed","metadata":{"a":["]",1]},"created_at":"2026-01-01T00:00:00Z","updated_at":"2026-01-01T00:00:02Z"}"""),
    ];

    [Fact]
    public void The_items_joined_into_an_entry_split_back_into_the_same_bytes()
    {
        var array = EntryItems.Join(Items);

        var ranges = EntryItems.Split(array);

        Assert.Equal(Items.Select(Encoding.UTF8.GetString), ranges.Select(r => Encoding.UTF8.GetString(array.AsSpan(r))));
    }

    [Fact]
    public void Every_record_of_a_batch_entry_is_decoded_with_its_place_and_the_entry_version()
    {
        var entry = BatchEntry(EntryItems.Join(Items), Items.Length);

        var items = FlushItem<TaskRecord>.DecodeAll(entry, RecordTables.Tasks);

        Assert.Equal(["t-1", "t-2"], items.Select(i => i.Materialize(RecordTables.Tasks).Record!.TaskId));
        Assert.Equal([0, 1], items.Select(i => i.Index));
        Assert.All(items, i => Assert.Equal(StreamId.Parse("1700000000000-7"), i.Id));
        Assert.Equal(Encoding.UTF8.GetString(Items[1]), Encoding.UTF8.GetString(items[1].Raw.Span));
        Assert.Equal(2, EntryItems.CountOf(entry));
    }

    [Fact]
    public void An_undecodable_record_in_a_batch_entry_is_a_problem_of_its_own_and_not_of_its_neighbours()
    {
        var entry = BatchEntry(EntryItems.Join([Items[0], Encoding.UTF8.GetBytes("""{"task_id":"t-3"}"""), Items[1]]), 3);

        var items = FlushItem<TaskRecord>.DecodeAll(entry, RecordTables.Tasks);

        Assert.Equal([false, true, false], items.Select(i => i.Problem is not null));
        Assert.Equal("""{"task_id":"t-3"}""", Encoding.UTF8.GetString(items[1].Raw.Span));
    }

    [Fact]
    public void An_entry_of_the_single_record_format_still_decodes_as_one_record()
    {
        var entry = new StreamEntry("1700000000000-7", [new(PersistenceStreams.Fields.Record, Items[0])]);

        var item = Assert.Single(FlushItem<TaskRecord>.DecodeAll(entry, RecordTables.Tasks));

        Assert.Equal("t-1", item.Materialize(RecordTables.Tasks).Record!.TaskId);
        Assert.Equal(1, EntryItems.CountOf(entry));
    }

    private static StreamEntry BatchEntry(byte[] records, int count) =>
        new("1700000000000-7", [new(PersistenceStreams.Fields.Records, records), new(PersistenceStreams.Fields.Count, count)]);
}
