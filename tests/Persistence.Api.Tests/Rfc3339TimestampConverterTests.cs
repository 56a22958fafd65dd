using System.Globalization;
using System.Text;
using System.Text.Json;
using Persistence.Contracts;

namespace Persistence.Api.Tests;

/// <summary>The hand-written timestamp parser must agree with the framework's exact-format parsing it replaced.</summary>
public sealed class Rfc3339TimestampConverterTests
{
    private static readonly JsonSerializerOptions Options = new() { Converters = { new Rfc3339TimestampConverter() } };

    [Theory]
    [InlineData("2026-01-31T12:00:00Z", "2026-01-31T12:00:00.0000000+00:00")]
    [InlineData("2026-01-31t12:00:00z", "2026-01-31T12:00:00.0000000+00:00")]
    [InlineData("2026-01-31T12:00:00.5Z", "2026-01-31T12:00:00.5000000+00:00")]
    [InlineData("2026-01-31T12:00:00.1234567Z", "2026-01-31T12:00:00.1234567+00:00")]
    [InlineData("2026-01-31T20:00:00+08:00", "2026-01-31T20:00:00.0000000+08:00")]
    [InlineData("2026-01-31T06:30:00-05:30", "2026-01-31T06:30:00.0000000-05:30")]
    [InlineData("2024-02-29T23:59:59.999999+14:00", "2024-02-29T23:59:59.9999990+14:00")]
    [InlineData("0001-01-01T00:00:00Z", "0001-01-01T00:00:00.0000000+00:00")]
    public void Valid_timestamps_parse_to_the_exact_instant_and_offset(string text, string expected)
    {
        Assert.True(Rfc3339TimestampConverter.TryParse(text, out var value));
        Assert.Equal(DateTimeOffset.ParseExact(expected, "O", CultureInfo.InvariantCulture), value);
        Assert.Equal(DateTimeOffset.ParseExact(expected, "O", CultureInfo.InvariantCulture).Offset, value.Offset);
    }

    [Theory]
    [InlineData("")]
    [InlineData("2026-01-31T12:00:00")]
    [InlineData("2026-01-31 12:00:00Z")]
    [InlineData("2026-01-31T12:00:00.Z")]
    [InlineData("2026-01-31T12:00:00.12345678Z")]
    [InlineData("2026-02-30T12:00:00Z")]
    [InlineData("2025-02-29T12:00:00Z")]
    [InlineData("2026-13-01T12:00:00Z")]
    [InlineData("2026-01-31T24:00:00Z")]
    [InlineData("2026-01-31T12:60:00Z")]
    [InlineData("2026-01-31T12:00:60Z")]
    [InlineData("2026-01-31T12:00:00+15:00")]
    [InlineData("2026-01-31T12:00:00+08")]
    [InlineData("2026-01-31T12:00:00+0800")]
    [InlineData("0000-01-01T00:00:00Z")]
    [InlineData("0001-01-01T00:00:00+01:00")]
    [InlineData("9999-12-31T23:59:59-01:00")]
    [InlineData("2026-01-31T12:00:00Zjunk")]
    [InlineData("２０２６-01-31T12:00:00Z")]
    [InlineData("31/01/2026")]
    public void Anything_else_is_refused(string text) =>
        Assert.False(Rfc3339TimestampConverter.TryParse(text, out _));

    [Fact]
    public void Writing_gives_utc_with_microseconds_and_reads_back_the_same_instant()
    {
        var instant = new DateTimeOffset(2026, 11, 25, 23, 4, 5, TimeSpan.FromHours(-3)).AddTicks(1_234_567);
        var json = JsonSerializer.Serialize(instant, Options);
        var read = JsonSerializer.Deserialize<DateTimeOffset>(json, Options);

        Assert.Equal("\"2026-11-26T02:04:05.123456Z\"", json);
        Assert.Equal(instant.AddTicks(-7), read);
    }

    [Fact]
    public void An_escaped_string_takes_the_slow_path_and_gives_the_same_value()
    {
        var escaped = JsonSerializer.Deserialize<DateTimeOffset>("\"2026-01-31T12:00:00\\u005A\"", Options);

        Assert.Equal(new DateTimeOffset(2026, 1, 31, 12, 0, 0, TimeSpan.Zero), escaped);
        Assert.True(Rfc3339TimestampConverter.TryParse(Encoding.ASCII.GetBytes("2026-01-31T12:00:00Z"), out var fromBytes));
        Assert.Equal(escaped, fromBytes);
    }
}
