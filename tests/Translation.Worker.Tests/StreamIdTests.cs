using Persistence.Contracts;

namespace Translation.Worker.Tests;

public sealed class StreamIdTests
{
    [Theory]
    [InlineData("1526919030474-55", 1526919030474UL, 55UL)]
    [InlineData("0-0", 0UL, 0UL)]
    [InlineData("42", 42UL, 0UL)]
    public void Parses_redis_entry_ids(string text, ulong milliseconds, ulong sequence)
    {
        var id = StreamId.Parse(text);
        Assert.Equal(new StreamId(milliseconds, sequence), id);
        Assert.Equal($"{milliseconds}-{sequence}", id.ToString());
    }

    [Theory]
    [InlineData("")]
    [InlineData(null)]
    [InlineData("1-")]
    [InlineData("a-1")]
    [InlineData("-1-1")]
    public void Refuses_what_is_not_an_entry_id(string? text) => Assert.False(StreamId.TryParse(text, out _));

    [Fact]
    public void Orders_by_time_then_sequence()
    {
        Assert.True(new StreamId(2, 0) > new StreamId(1, 99));
        Assert.True(new StreamId(1, 2) > new StreamId(1, 1));
    }

    [Fact]
    public void Next_is_the_smallest_greater_id()
    {
        Assert.Equal(new StreamId(5, 1), new StreamId(5, 0).Next());
        Assert.Equal(new StreamId(6, 0), new StreamId(5, ulong.MaxValue).Next());
    }
}
