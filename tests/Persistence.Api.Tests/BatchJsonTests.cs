using System.Text.Json;
using Persistence.Api.Ingest;
using Persistence.Contracts;

namespace Persistence.Api.Tests;

/// <summary>How malformed bodies become field errors, and which timestamps the wire format accepts.</summary>
public sealed class BatchJsonTests
{
    private static FieldError ErrorFor(string json)
    {
        var exception = Assert.Throws<JsonException>(() => JsonSerializer.Deserialize(json, PersistenceJsonContext.Default.TaskBatch));
        return BatchReader.Describe(exception);
    }

    [Fact]
    public void A_wrong_type_names_the_item_and_field()
    {
        var error = ErrorFor("""{"tasks":[{"task_id":"a"},{"task_id":"b","attempts":"three"}]}""");

        Assert.Equal(1, error.Index);
        Assert.Equal("attempts", error.Field);
        Assert.DoesNotContain("Persistence.Contracts", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_field_is_refused_rather_than_dropped()
    {
        var error = ErrorFor("""{"tasks":[{"task_id":"a","stauts":"pending"}]}""");

        Assert.Equal(0, error.Index);
        Assert.Contains("stauts", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Json_cut_off_inside_an_item_names_that_item() =>
        Assert.Equal(2, ErrorFor("""{"tasks":[{},{},{"task_id":""").Index);

    [Fact]
    public void Json_broken_outside_the_items_has_no_index()
    {
        var error = ErrorFor("""{"tasks" 5}""");
        Assert.Null(error.Index);
        Assert.Contains("line 1", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("2026-01-31T12:00:00Z")]
    [InlineData("2026-01-31T12:00:00.123456Z")]
    [InlineData("2026-01-31T20:00:00+08:00")]
    [InlineData("2026-01-31t12:00:00z")]
    public void Rfc3339_timestamps_with_an_offset_are_accepted(string timestamp)
    {
        var batch = JsonSerializer.Deserialize($$"""{"tasks":[{"updated_at":"{{timestamp}}"}]}""", PersistenceJsonContext.Default.TaskBatch);

        Assert.Equal(new DateTimeOffset(2026, 1, 31, 12, 0, 0, TimeSpan.Zero), batch!.Tasks![0]!.UpdatedAt!.Value.AddTicks(-(batch.Tasks[0]!.UpdatedAt!.Value.Ticks % TimeSpan.TicksPerSecond)));
    }

    [Theory]
    [InlineData("2026-01-31T12:00:00")]
    [InlineData("2026-01-31 12:00:00Z")]
    [InlineData("31/01/2026")]
    public void Timestamps_without_an_offset_or_in_other_formats_are_refused(string timestamp)
    {
        var error = ErrorFor($$"""{"tasks":[{"updated_at":"{{timestamp}}"}]}""");

        Assert.Equal((0, "updated_at"), (error.Index, error.Field));
    }
}
