using Persistence.Api.Ingest;

namespace Persistence.Api.Tests;

public sealed class TraceStateBoundTests
{
    [Fact]
    public void A_tracestate_within_the_limits_is_kept_as_it_is() =>
        Assert.Equal("a=1,b=2", TraceStateBound.Apply("a=1,b=2"));

    [Fact]
    public void Long_members_go_first_then_members_from_the_end_until_it_fits()
    {
        var members = new[] { "long=" + new string('x', 200) }
            .Concat(Enumerable.Range(0, 40).Select(i => $"v{i:D2}=" + new string('y', 20)));

        var bounded = TraceStateBound.Apply(string.Join(",", members))!;

        Assert.InRange(bounded.Length, 1, TraceStateBound.MaxLength);
        Assert.StartsWith("v00=", bounded, StringComparison.Ordinal);
        Assert.DoesNotContain("long=", bounded, StringComparison.Ordinal);
        Assert.Equal(bounded.Split(',').Length, bounded.Split(',').Distinct().Count());
    }

    [Fact]
    public void Nothing_is_carried_when_no_member_fits() =>
        Assert.Null(TraceStateBound.Apply(string.Join(",", Enumerable.Range(0, 5).Select(i => $"k{i}=" + new string('z', 300)))));
}
