using System.Text;
using Persistence.Api.Queries;

namespace Persistence.Api.Tests;

public sealed class PageCursorTests
{
    [Theory]
    [InlineData("created_at", true, 1_769_860_800_123_456L, "s-1")]
    [InlineData("updated_at", false, 0L, "with.dots.and-dashes")]
    [InlineData("task_id", false, 0L, "任务-7")]
    public void A_cursor_survives_encoding(string key, bool descending, long value, string id)
    {
        var cursor = new PageCursor(new PageOrder(key, descending), value, id);

        var text = cursor.Encode();

        Assert.DoesNotContain('+', text);
        Assert.DoesNotContain('/', text);
        Assert.DoesNotContain('=', text);
        Assert.True(PageCursor.TryDecode(text, out var decoded));
        Assert.Equal(cursor, decoded);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not a cursor")]
    [InlineData("%%%")]
    public void Garbage_is_not_a_cursor(string text) => Assert.False(PageCursor.TryDecode(text, out _));

    [Theory]
    [InlineData("2.cd.1.s-1")]
    [InlineData("1.xd.1.s-1")]
    [InlineData("1.cd.one.s-1")]
    [InlineData("1.cd.1.")]
    [InlineData("1.cd.1")]
    public void Well_encoded_but_malformed_content_is_not_a_cursor(string plain) =>
        Assert.False(PageCursor.TryDecode(System.Buffers.Text.Base64Url.EncodeToString(Encoding.UTF8.GetBytes(plain)), out _));

    [Theory]
    [InlineData("1.cd.9223372036854775807.s-1")]
    [InlineData("1.ca.-9223372036854775808.s-1")]
    [InlineData("1.ud.-1.s-1")]
    [InlineData("1.ua.253402300800000000.s-1")]
    public void A_forged_cursor_whose_time_a_DATETIME6_cannot_hold_is_not_a_cursor(string plain) =>
        Assert.False(PageCursor.TryDecode(System.Buffers.Text.Base64Url.EncodeToString(Encoding.UTF8.GetBytes(plain)), out _));

    [Fact]
    public void The_last_microsecond_a_DATETIME6_holds_is_a_cursor_value()
    {
        var last = PageCursor.ToValue(new DateTime(9999, 12, 31, 23, 59, 59, DateTimeKind.Utc).AddTicks(9_999_990));

        Assert.True(PageCursor.TryDecode(new PageCursor(new PageOrder("created_at", true), last, "s-1").Encode(), out var cursor));
        Assert.Equal(9999, PageCursor.ToDateTime(cursor.Value).Year);
    }

    [Fact]
    public void Values_are_exact_microseconds_of_a_DATETIME6()
    {
        var at = new DateTime(2026, 1, 31, 12, 0, 5, DateTimeKind.Utc).AddTicks(1_234_560);

        Assert.Equal(at, PageCursor.ToDateTime(PageCursor.ToValue(at)));
        Assert.Equal(1_769_860_805_123_456L, PageCursor.ToValue(at));
    }
}
