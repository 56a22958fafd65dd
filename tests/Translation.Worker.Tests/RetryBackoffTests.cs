using Persistence.Contracts;

namespace Translation.Worker.Tests;

public sealed class RetryBackoffTests
{
    private static readonly TimeSpan Base = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan Max = TimeSpan.FromMinutes(5);

    [Theory]
    [InlineData(1, 2)]
    [InlineData(2, 4)]
    [InlineData(3, 8)]
    [InlineData(6, 64)]
    public void Doubles_from_the_base_without_jitter(int attempt, double seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), RetryBackoff.Delay(attempt, Base, Max, jitter: 0.5));

    [Fact]
    public void Never_exceeds_the_ceiling_even_with_jitter_or_huge_attempts()
    {
        Assert.Equal(Max, RetryBackoff.Delay(9, Base, Max, jitter: 0.5));
        Assert.Equal(Max, RetryBackoff.Delay(int.MaxValue, Base, Max, jitter: 0.999));
    }

    [Fact]
    public void Jitter_stays_within_twenty_percent()
    {
        Assert.Equal(TimeSpan.FromSeconds(3.2), RetryBackoff.Delay(2, Base, Max, jitter: 0));
        Assert.True(RetryBackoff.Delay(2, Base, Max, jitter: 0.9999) < TimeSpan.FromSeconds(4.8));
    }

    [Fact]
    public void Attempt_zero_or_less_waits_the_base() => Assert.Equal(Base, RetryBackoff.Delay(0, Base, Max, jitter: 0.5));
}
