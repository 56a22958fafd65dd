using Microsoft.AspNetCore.Http;

namespace Persistence.Api.Tests;

public sealed class ProblemsTests
{
    [Fact]
    public void Retry_after_is_spread_over_the_base_and_up_to_a_fifth_more_so_refused_clients_do_not_return_in_step()
    {
        var seen = new HashSet<int>();
        for (var i = 0; i < 200; i++)
        {
            var context = new DefaultHttpContext();
            Problems.Unavailable(context, 10, "busy");
            seen.Add(int.Parse(context.Response.Headers.RetryAfter.ToString(), System.Globalization.CultureInfo.InvariantCulture));
        }

        Assert.True(seen.Count > 1, "Every answer named the same Retry-After.");
        Assert.All(seen, seconds => Assert.InRange(seconds, 10, 12));
    }

    [Fact]
    public void Retry_after_of_one_second_may_still_grow_so_a_crowd_told_one_second_spreads_out()
    {
        var seen = new HashSet<int>();
        for (var i = 0; i < 200; i++)
        {
            var context = new DefaultHttpContext();
            Problems.Unavailable(context, 1, "busy");
            seen.Add(int.Parse(context.Response.Headers.RetryAfter.ToString(), System.Globalization.CultureInfo.InvariantCulture));
        }

        Assert.Equal([1, 2], seen.Order());
    }
}
