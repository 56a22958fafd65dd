using Gateway.RateLimits;
using Persistence.Contracts;

namespace Gateway.Tests;

public sealed class BodySlotsTests
{
    [Fact]
    public void A_key_holding_its_maximum_of_bodies_gets_no_more_until_one_ends_and_other_keys_are_not_affected()
    {
        var slots = new BodySlots();
        var first = slots.TryTake("tenant", max: 2);
        using var second = slots.TryTake("tenant", max: 2);

        Assert.NotNull(first);
        Assert.NotNull(second);
        Assert.Null(slots.TryTake("tenant", max: 2));
        using (var other = slots.TryTake("other", max: 2))
        {
            Assert.NotNull(other);
        }

        first.Dispose();
        first.Dispose();
        Assert.Equal(1, slots.InFlight("tenant"));
        using var third = slots.TryTake("tenant", max: 2);
        Assert.NotNull(third);
    }
}
