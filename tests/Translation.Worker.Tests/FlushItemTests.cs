using System.Diagnostics;
using Persistence.Contracts;
using StackExchange.Redis;
using Translation.Worker.Flushing;

namespace Translation.Worker.Tests;

/// <summary>Decoding stream entries: the record, its version and the trace context of the request that sent it.</summary>
public sealed class FlushItemTests
{
    private const string Record = """{"task_id":"t-1","session_id":"s-1","status":"pending","created_at":"2026-01-01T00:00:00Z","updated_at":"2026-01-01T00:00:01Z"}""";

    private static StreamEntry Entry(params NameValueEntry[] values) => new("1700000000000-3", values);

    [Fact]
    public void Records_are_decoded_with_the_shared_contract_the_API_tests_its_stored_bytes_against()
    {
        // Persistence.Api.Tests.RawItemsTests decodes the bytes the API appends with these type infos.
        Assert.Same(PersistenceJsonContext.Default.TaskRecord, RecordTables.Tasks.TypeInfo);
        Assert.Same(PersistenceJsonContext.Default.SessionRecord, RecordTables.Sessions.TypeInfo);
    }

    [Fact]
    public void Decodes_the_record_and_the_request_trace_as_parent()
    {
        const string traceParent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
        var item = FlushItem<TaskRecord>.Decode(
            Entry(new(PersistenceStreams.Fields.Record, Record), new(PersistenceStreams.Fields.TraceParent, traceParent)),
            RecordTables.Tasks);

        Assert.Null(item.Problem);
        Assert.Equal("t-1", item.Key);
        Assert.Equal("t-1", item.Materialize(RecordTables.Tasks).Record!.TaskId);
        Assert.Equal(new StreamId(1700000000000, 3), item.Id);
        Assert.Equal(ActivityTraceId.CreateFromString("0af7651916cd43dd8448eb211c80319c"), item.Parent.TraceId);
        Assert.Equal(RowVersion.Create(new DateTimeOffset(2026, 1, 1, 0, 0, 1, TimeSpan.Zero), item.Id), item.RowVersion);
    }

    [Fact]
    public void An_entry_without_trace_context_still_decodes() =>
        Assert.Equal(default, FlushItem<TaskRecord>.Decode(Entry(new NameValueEntry(PersistenceStreams.Fields.Record, Record)), RecordTables.Tasks).Parent);

    [Theory]
    [InlineData("not json")]
    [InlineData("""{"task_id":"t-1"}""")]
    [InlineData("""{"task_id":"t-1","updated_at":"2026-01-01T00:00:01Z","extra":1}""")]
    public void Undecodable_records_carry_a_problem_once_decoded_in_full_instead_of_throwing(string json) =>
        Assert.NotNull(FlushItem<TaskRecord>.Decode(Entry(new NameValueEntry(PersistenceStreams.Fields.Record, json)), RecordTables.Tasks)
            .Materialize(RecordTables.Tasks).Problem);
}
