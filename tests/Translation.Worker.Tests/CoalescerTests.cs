using Persistence.Contracts;
using StackExchange.Redis;
using Translation.Worker.Flushing;

namespace Translation.Worker.Tests;

/// <summary>Keeping one state per key of a read, in the order the SQL version guard keeps them.</summary>
public sealed class CoalescerTests
{
    [Fact]
    public void The_newest_updated_at_wins_whatever_order_the_states_arrived_in()
    {
        var completed = Task("t-1", "completed", second: 3, entry: "1700000000000-0");
        var pending = Task("t-1", "pending", second: 1, entry: "1700000000001-0");
        var processing = Task("t-1", "processing", second: 2, entry: "1700000000002-0");

        var states = Assert.Single(Coalescer.Coalesce([completed, pending, processing], RecordTables.Tasks));

        Assert.Same(completed, states.Winner);
        Assert.Equal([pending, processing], states.Superseded);
    }

    [Fact]
    public void Between_states_with_equal_updated_at_the_later_arrival_wins()
    {
        var first = Task("t-1", "processing", second: 1, entry: "1700000000000-1");
        var second = Task("t-1", "completed", second: 1, entry: "1700000000000-2");

        Assert.Same(second, Assert.Single(Coalescer.Coalesce([second, first], RecordTables.Tasks)).Winner);
        Assert.Same(second, Assert.Single(Coalescer.Coalesce([first, second], RecordTables.Tasks)).Winner);
    }

    [Fact]
    public void Within_one_batch_entry_the_later_item_wins_a_tie()
    {
        var first = Task("t-1", "processing", second: 1, entry: "1700000000000-1") with { Index = 0 };
        var second = Task("t-1", "completed", second: 1, entry: "1700000000000-1") with { Index = 1 };

        Assert.Same(second, Assert.Single(Coalescer.Coalesce([second, first], RecordTables.Tasks)).Winner);
    }

    [Fact]
    public void A_replayed_dead_letter_ranks_by_its_first_arrival_not_by_its_replay()
    {
        var replayed = Decode(
            "1700000000009-0",
            Json("t-1", "processing", 1),
            new NameValueEntry(PersistenceStreams.Fields.ArrivedAs, "1700000000000-0"));
        var later = Task("t-1", "completed", second: 1, entry: "1700000000005-0");

        Assert.Same(later, Assert.Single(Coalescer.Coalesce([later, replayed], RecordTables.Tasks)).Winner);
    }

    [Fact]
    public void Each_key_keeps_its_own_winner()
    {
        var states = Coalescer.Coalesce(
            [Task("t-1", "pending", 1, "1-0"), Task("t-2", "pending", 1, "2-0"), Task("t-1", "completed", 2, "3-0")],
            RecordTables.Tasks);

        Assert.Equal(["completed", "pending"], states.OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => s.Winner.Status));
        Assert.Equal(3, states.Sum(s => s.All.Count()));
    }

    [Fact]
    public void An_insert_only_table_keeps_the_first_state_as_its_statement_keeps_the_first_row()
    {
        static FlushItem<TranslationContentRecord> Content(string text, int second, string entry) => FlushItem<TranslationContentRecord>.Decode(
            new StreamEntry(entry, [new(PersistenceStreams.Fields.Record, $$"""{"content_hash":"h-1","source_lang":"en","text":"{{text}}","created_at":"2026-01-01T00:00:0{{second}}Z"}""")]),
            RecordTables.TranslationContents);
        var first = Content("a", 1, "1-0");
        var again = Content("a", 2, "2-0");

        Assert.Same(first, Assert.Single(Coalescer.Coalesce([again, first], RecordTables.TranslationContents)).Winner);
    }

    private static string Json(string id, string status, int second) =>
        $$"""{"task_id":"{{id}}","session_id":"s-1","status":"{{status}}","created_at":"2026-01-01T00:00:00Z","updated_at":"2026-01-01T00:00:0{{second}}Z"}""";

    private static FlushItem<TaskRecord> Task(string id, string status, int second, string entry) => Decode(entry, Json(id, status, second));

    private static FlushItem<TaskRecord> Decode(string entry, string json, params NameValueEntry[] extra)
    {
        var item = FlushItem<TaskRecord>.Decode(new StreamEntry(entry, [new(PersistenceStreams.Fields.Record, json), .. extra]), RecordTables.Tasks);
        Assert.Null(item.Problem);
        return item;
    }
}
