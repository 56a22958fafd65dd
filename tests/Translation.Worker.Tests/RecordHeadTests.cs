using System.Text;
using Persistence.Contracts;
using StackExchange.Redis;
using Translation.Worker.Flushing;

namespace Translation.Worker.Tests;

/// <summary>Coalescing reads a record's key, version and status only; it must read the same values a full decode does.</summary>
public sealed class RecordHeadTests
{
    [Theory]
    // Properties in any order, a nested object holding the same names, an escaped character inside a value.
    [InlineData("""{"metadata":{"task_id":"x","updated_at":"2020-01-01T00:00:00Z"},"updated_at":"2026-01-01T08:00:01.1234567+08:00","status":"completed","task_id":"t-\u00e9","session_id":"s-1","translated_text":"a\"b","created_at":"2026-01-01T00:00:00Z"}""")]
    [InlineData("""{"task_id":"t-1","session_id":"s-1","status":"pending","created_at":"2026-01-01T00:00:00Z","updated_at":"2026-01-01T00:00:01Z"}""")]
    public void The_head_holds_the_key_version_and_status_a_full_decode_finds(string json)
    {
        var bytes = Encoding.UTF8.GetBytes(json);

        Assert.True(RecordHead.TryRead(bytes, RecordTables.Tasks, out var key, out var version, out var status));

        var item = Item(json).Materialize(RecordTables.Tasks);
        Assert.Null(item.Problem);
        Assert.Equal(item.Record!.TaskId, key);
        Assert.Equal(item.Record.UpdatedAt, version);
        Assert.Equal(item.Record.Status, status);
    }

    [Theory]
    // An escaped property name, a key that is no string, a timestamp without offset, no updated_at at all.
    [InlineData("""{"task\u005fid":"t-1","session_id":"s-1","created_at":"2026-01-01T00:00:00Z","updated_at":"2026-01-01T00:00:01Z"}""")]
    [InlineData("""{"task_id":1,"updated_at":"2026-01-01T00:00:01Z"}""")]
    [InlineData("""{"task_id":"t-1","updated_at":"2026-01-01T00:00:01"}""")]
    [InlineData("""{"task_id":"t-1"}""")]
    [InlineData("""[1,2]""")]
    public void What_the_head_reader_does_not_understand_is_left_to_the_full_decode(string json) =>
        Assert.False(RecordHead.TryRead(Encoding.UTF8.GetBytes(json), RecordTables.Tasks, out _, out _, out _));

    [Fact]
    public void An_escaped_property_name_is_still_decoded_in_full_at_once_and_coalesces_by_its_key()
    {
        var item = Item("""{"task\u005fid":"t-1","session_id":"s-1","created_at":"2026-01-01T00:00:00Z","updated_at":"2026-01-01T00:00:01Z"}""");

        Assert.Null(item.Problem);
        Assert.Equal("t-1", item.Key);
        Assert.NotNull(item.Record);
    }

    [Fact]
    public void Translation_records_take_their_version_from_created_at()
    {
        var json = """{"content_hash":"h-1","source_lang":"en","text":"a","created_at":"2026-01-01T00:00:02Z"}"""u8;

        Assert.True(RecordHead.TryRead(json, RecordTables.TranslationContents, out var key, out var version, out _));
        Assert.Equal("h-1", key);
        Assert.Equal(new DateTimeOffset(2026, 1, 1, 0, 0, 2, TimeSpan.Zero), version);
    }

    private static FlushItem<TaskRecord> Item(string json) =>
        FlushItem<TaskRecord>.Decode(new StreamEntry("1700000000000-1", [new(PersistenceStreams.Fields.Record, json)]), RecordTables.Tasks);
}
