using Translation.Worker.Flushing;

namespace Translation.Worker.Tests;

/// <summary>Flush settings that would quietly defeat coalescing or recovery are refused at start, naming the settings.</summary>
public sealed class FlushOptionsValidatorTests
{
    [Fact]
    public void The_defaults_are_valid() =>
        Assert.True(new FlushOptionsValidator().Validate(null, new FlushOptions()).Succeeded);

    [Fact]
    public void A_hold_longer_than_a_third_of_the_reader_lease_is_refused_with_both_settings_named()
    {
        var result = new FlushOptionsValidator().Validate(null, new FlushOptions { CoalesceHoldMs = 2_000, ReaderLeaseTtlMs = 5_000 });

        Assert.True(result.Failed);
        Assert.Contains("Flush:ReaderLeaseTtlMs (5000)", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("Flush:CoalesceHoldMs", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void A_hold_of_more_than_half_the_claim_idle_time_is_refused() =>
        Assert.Contains(
            "must be at most half of Flush:ClaimIdleTimeMs",
            new FlushOptionsValidator().Validate(null, new FlushOptions { CoalesceHoldMs = 20_000, ReaderLeaseTtlMs = 90_000 }).FailureMessage,
            StringComparison.Ordinal);
}
