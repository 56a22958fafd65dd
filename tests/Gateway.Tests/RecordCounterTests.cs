using System.Text;
using Gateway.RateLimits;
using Microsoft.AspNetCore.Http;

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

    [Fact]
    public async Task The_body_can_be_read_again_after_counting()
    {
        var json = "{\"tasks\":[" + string.Join(',', Enumerable.Repeat("{\"n\":1}", 5000)) + "]}";
        var context = new DefaultHttpContext();
        context.Request.Body = new MemoryStream(Encoding.UTF8.GetBytes(json));

        var count = await RecordCounter.CountAndRewindAsync(context.Request, 1024 * 1024, CancellationToken.None);

        Assert.Equal(5000, count);
        using var reader = new StreamReader(context.Request.Body);
        Assert.Equal(json, await reader.ReadToEndAsync());
    }

    [Fact]
    public async Task A_body_over_the_limit_is_not_counted()
    {
        var context = new DefaultHttpContext();
        context.Request.Body = new MemoryStream(new byte[2049]);

        Assert.Null(await RecordCounter.CountAndRewindAsync(context.Request, 2048, CancellationToken.None));
    }
}
