using System.Text;
using Microsoft.AspNetCore.Http;
using Persistence.Api.Ingest;
using Persistence.Contracts;

namespace Persistence.Api.Tests;

/// <summary>The API's reading of a batch body: the same one the gateway charges by.</summary>
public sealed class BatchReaderTests
{
    [Fact]
    public async Task A_leading_byte_order_mark_is_refused_rather_than_skipped()
    {
        var read = await ReadTasksAsync([0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes("""{"tasks":[{},{}]}""")]);

        Assert.Null(read.Batch);
        Assert.Contains("byte order mark", read.Error!.Message, StringComparison.Ordinal);
        Assert.False(read.IsTooLarge);
    }

    [Theory]
    [InlineData("""{"tasks":[{}],"tasks":[{},{},{}]}""")]
    [InlineData("""{"tasks":[{}],"t\u0061sks":[{},{},{}]}""")]
    public async Task A_repeated_top_level_property_is_refused_and_named(string json)
    {
        var read = await ReadTasksAsync(Encoding.UTF8.GetBytes(json));

        Assert.Null(read.Batch);
        Assert.Equal("tasks", read.Error!.Field);
        Assert.Null(read.Error.Index);
    }

    [Fact]
    public async Task Too_many_items_are_refused_while_reading_before_the_batch_is_built()
    {
        var json = "{\"tasks\":[" + string.Join(',', Enumerable.Repeat("{}", 5001)) + "]}";

        var read = await ReadTasksAsync(Encoding.UTF8.GetBytes(json), maxItems: 5000);

        Assert.True(read.IsTooLarge);
        Assert.Null(read.Batch);
        Assert.Contains("5000", read.Error!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_plain_batch_within_the_limits_is_read()
    {
        var read = await ReadTasksAsync(Encoding.UTF8.GetBytes("""{"tasks":[{"task_id":"a"},{"task_id":"b"}]}"""), maxItems: 2);

        Assert.Null(read.Error);
        Assert.Equal(["a", "b"], read.Batch!.Tasks!.Select(t => t!.TaskId));
    }

    [Fact]
    public async Task A_top_level_property_name_holding_a_lone_surrogate_is_refused_not_thrown()
    {
        var read = await ReadTasksAsync(Encoding.UTF8.GetBytes("""{"\ud800":[]}"""));

        Assert.Null(read.Batch);
        Assert.NotNull(read.Error);
        Assert.False(read.IsTooLarge);
    }

    [Theory]
    [InlineData("""{"k":"\ud800"}""")]
    [InlineData("""{"k":"\udc00\ud800"}""")]
    [InlineData("""{"\ud83d":1}""")]
    [InlineData("""{"k":["ok","\ud800x"]}""")]
    public async Task Metadata_holding_a_lone_surrogate_is_refused_naming_the_item_and_field(string metadata)
    {
        var read = await ReadTasksAsync(Encoding.UTF8.GetBytes("""{"tasks":[{"task_id":"a"},{"task_id":"b","metadata":""" + metadata + "}]}"));

        Assert.Null(read.Batch);
        Assert.Equal(1, read.Error!.Index);
        Assert.Equal("metadata", read.Error.Field);
    }

    [Fact]
    public async Task Metadata_holding_ill_formed_UTF8_bytes_is_refused_naming_the_item_and_field()
    {
        byte[] body = [.. Encoding.UTF8.GetBytes("""{"tasks":[{"task_id":"a","metadata":{"k":"a"""), 0xC3, 0x28, 0xFF, .. Encoding.UTF8.GetBytes("\"}}]}")];

        var read = await ReadTasksAsync(body);

        Assert.Null(read.Batch);
        Assert.Equal(0, read.Error!.Index);
        Assert.Equal("metadata", read.Error.Field);
    }

    [Fact]
    public async Task A_surrogate_pair_and_other_escapes_are_well_formed_and_read()
    {
        var read = await ReadTasksAsync(Encoding.UTF8.GetBytes("""{"tasks":[{"task_id":"a","metadata":{"\u00e9":"\ud83d\ude00 \n \u0041 é 😀"}}]}"""));

        Assert.Null(read.Error);
        Assert.Equal("\U0001F600 \n A é 😀", read.Batch!.Tasks![0]!.Metadata!.Value.GetProperty("é").GetString());
    }

    private static Task<BatchReadResult<TaskBatch>> ReadTasksAsync(byte[] body, int maxItems = 5000)
    {
        var context = new DefaultHttpContext();
        context.Request.ContentType = "application/json";
        context.Request.Body = new MemoryStream(body);
        return BatchReader.ReadAsync(context.Request, PersistenceJsonContext.Default.TaskBatch, 16 * 1024 * 1024, maxItems, CancellationToken.None);
    }
}
