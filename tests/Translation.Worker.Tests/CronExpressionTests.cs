using Translation.Worker.GarbageCollection;

namespace Translation.Worker.Tests;

public sealed class CronExpressionTests
{
    private static DateTimeOffset At(string text) => DateTimeOffset.Parse(text, System.Globalization.CultureInfo.InvariantCulture);

    [Theory]
    // The default: daily at 03:30 UTC.
    [InlineData("30 3 * * *", "2026-11-25T01:00:00Z", "2026-11-25T03:30:00Z")]
    [InlineData("30 3 * * *", "2026-11-25T03:30:00Z", "2026-11-26T03:30:00Z")]
    [InlineData("30 3 * * *", "2026-12-31T04:00:00Z", "2027-01-01T03:30:00Z")]
    // Strictly after, at whole minutes.
    [InlineData("* * * * *", "2026-11-25T10:15:42Z", "2026-11-25T10:16:00Z")]
    [InlineData("*/15 * * * *", "2026-11-25T10:15:00Z", "2026-11-25T10:30:00Z")]
    [InlineData("5/20 * * * *", "2026-11-25T10:26:00Z", "2026-11-25T10:45:00Z")]
    [InlineData("0 9-17/4 * * *", "2026-11-25T13:00:00Z", "2026-11-25T17:00:00Z")]
    [InlineData("0 0,12 * * *", "2026-11-25T00:00:00Z", "2026-11-25T12:00:00Z")]
    // Day of week, with 7 as Sunday too: 2026-11-25 is a Wednesday.
    [InlineData("0 0 * * 0", "2026-11-25T00:00:00Z", "2026-11-29T00:00:00Z")]
    [InlineData("0 0 * * 7", "2026-11-25T00:00:00Z", "2026-11-29T00:00:00Z")]
    [InlineData("0 0 * * 1-5", "2026-11-27T12:00:00Z", "2026-11-30T00:00:00Z")]
    // Month and day of month, leap day.
    [InlineData("0 0 31 * *", "2026-11-25T00:00:00Z", "2026-12-31T00:00:00Z")]
    [InlineData("0 0 29 2 *", "2026-03-01T00:00:00Z", "2028-02-29T00:00:00Z")]
    [InlineData("0 12 1 1,7 *", "2026-11-25T00:00:00Z", "2027-01-01T12:00:00Z")]
    // Both days restricted: either matches (the 13th, or any Friday).
    [InlineData("0 0 13 * 5", "2026-11-25T00:00:00Z", "2026-11-27T00:00:00Z")]
    [InlineData("0 0 13 * 5", "2026-11-28T00:00:00Z", "2026-12-04T00:00:00Z")]
    public void Next_occurrence(string expression, string after, string expected) =>
        Assert.Equal(At(expected), CronExpression.Parse(expression).GetNextOccurrence(At(after)));

    [Fact]
    public void Offsets_are_converted_to_UTC() =>
        Assert.Equal(At("2026-11-25T03:30:00Z"), CronExpression.Parse("30 3 * * *").GetNextOccurrence(At("2026-11-25T09:00:00+08:00")));

    [Theory]
    [InlineData("")]
    [InlineData("* * * *")]
    [InlineData("* * * * * *")]
    [InlineData("60 * * * *")]
    [InlineData("* 24 * * *")]
    [InlineData("* * 0 * *")]
    [InlineData("* * 32 * *")]
    [InlineData("* * * 13 *")]
    [InlineData("* * * * 8")]
    [InlineData("*/0 * * * *")]
    [InlineData("5-1 * * * *")]
    [InlineData("a * * * *")]
    [InlineData("1,,2 * * * *")]
    [InlineData("-1 * * * *")]
    public void Invalid_expressions_are_refused_with_a_reason(string expression)
    {
        Assert.False(CronExpression.TryParse(expression, out _, out var error));
        Assert.False(string.IsNullOrEmpty(error));
    }

    [Fact]
    public void A_date_that_never_comes_is_refused_at_evaluation() =>
        Assert.Throws<InvalidOperationException>(() => CronExpression.Parse("0 0 31 2 *").GetNextOccurrence(At("2026-01-01T00:00:00Z")));
}
