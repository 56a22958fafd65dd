using Microsoft.Extensions.Options;
using Persistence.Api.Recovery;

namespace Persistence.Api.Tests;

/// <summary>A replica's restore slots are shared out per API key: one slow caller cannot hold them all.</summary>
public sealed class RestoreSlotsTests
{
    [Fact]
    public void One_key_holds_at_most_its_share_and_another_key_still_gets_a_slot()
    {
        using var slots = new RestoreSlots(Options.Create(new RecoveryOptions { MaxConcurrentRestores = 4, MaxRestoresPerKey = 2 }));

        var first = slots.TryTake("reader", out _);
        var second = slots.TryTake("reader", out _);
        var third = slots.TryTake("reader", out var shareFull);
        var other = slots.TryTake("operator", out _);

        Assert.NotNull(first);
        Assert.NotNull(second);
        Assert.Null(third);
        Assert.True(shareFull);
        Assert.NotNull(other);
    }

    [Fact]
    public void A_released_slot_returns_to_its_key_and_to_the_replica_once_however_often_it_is_disposed()
    {
        using var slots = new RestoreSlots(Options.Create(new RecoveryOptions { MaxConcurrentRestores = 2, MaxRestoresPerKey = 1 }));
        var held = slots.TryTake("a", out _)!;
        Assert.NotNull(slots.TryTake("b", out _));
        Assert.Null(slots.TryTake("c", out var shareFull));
        Assert.False(shareFull);

        held.Dispose();
        held.Dispose();

        Assert.NotNull(slots.TryTake("a", out _));
        Assert.Null(slots.TryTake("a", out shareFull));
        Assert.True(shareFull);
    }
}
