using System.Text;
using Gateway.RateLimits;
using Microsoft.AspNetCore.Http;
using Persistence.Contracts;

namespace Gateway.Tests;

public sealed class RecordCounterTests
{
    [Theory]
    [InlineData("""{"tasks":[{"a":1},{"b":[1,2,{"c":3}]},{}]}""", 3)]
    [InlineData("""{"meta":{"x":[1,2]},"sessions":[1,2]}""", 2)]
    [InlineData("""{"tasks":[]}""", 1)]
    [InlineData("""{"tasks":[{"a":""", 1)]
    [InlineData("""[1,2,3]""", 1)]
    [InlineData("not json", 1)]
    [InlineData("", 1)]
    public void Charges_the_items_of_the_first_array_and_one_for_anything_else(string json, long expected) =>
        Assert.Equal(expected, RecordCounter.Count(Encoding.UTF8.GetBytes(json)));

    [Theory]
    [InlineData("\uFEFF{\"tasks\":[1,2,3]}", "")]
    [InlineData("{\"tasks\":[1],\"tasks\":[1,2,3]}", "tasks")]
    [InlineData("{\"tasks\":[1],\"t\\u0061sks\":[1,2,3]}", "tasks")]
    [InlineData("{\"\\ud800\":[]}", "")]
    [InlineData("{\"tasks\":[{\"metadata\":{\"k\":\"\\udc00\"}}]}", "metadata")]
    [InlineData("{\"context\":{\"k\":[\"\\ud800\"]}}", "context")]
    public void A_body_the_API_could_read_otherwise_is_refused_naming_the_field(string json, string field) =>
        Assert.Equal(field, RecordCounter.Refusal(BatchBody.Read(Encoding.UTF8.GetBytes(json)))?.Field);

    [Fact]
    public void Ill_formed_UTF8_in_an_item_is_refused_naming_the_item_and_field()
    {
        byte[] body = [.. Encoding.UTF8.GetBytes("{\"tasks\":[{},{\"metadata\":{\"k\":\""), 0xED, 0xA0, 0x80, .. Encoding.UTF8.GetBytes("\"}}]}")];

        var refusal = RecordCounter.Refusal(BatchBody.Read(body));

        Assert.Equal(("metadata", 1), (refusal?.Field, refusal?.Index));
    }

    [Fact]
    public async Task The_body_can_be_read_again_after_counting()
    {
        var json = "{\"tasks\":[" + string.Join(',', Enumerable.Repeat("{\"n\":1}", 5000)) + "]}";
        var context = new DefaultHttpContext();
        context.Request.Body = new MemoryStream(Encoding.UTF8.GetBytes(json));

        var reading = await RecordCounter.ReadAndRewindAsync(context.Request, 1024 * 1024, CancellationToken.None);

        Assert.Equal(5000, reading!.Value.Items);
        using var reader = new StreamReader(context.Request.Body);
        Assert.Equal(json, await reader.ReadToEndAsync());
    }

    [Fact]
    public async Task A_body_over_the_limit_is_not_counted()
    {
        var context = new DefaultHttpContext();
        context.Request.Body = new MemoryStream(new byte[2049]);

        Assert.Null(await RecordCounter.ReadAndRewindAsync(context.Request, 2048, CancellationToken.None));
    }
}
