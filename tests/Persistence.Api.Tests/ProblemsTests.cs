using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Persistence.Api.Http;

namespace Persistence.Api.Tests;

public sealed class ProblemsTests
{
    [Fact]
    public void Retry_after_is_spread_over_the_base_and_up_to_a_fifth_more_so_refused_clients_do_not_return_in_step()
    {
        var seen = new HashSet<int>();
        for (var i = 0; i < 200; i++)
        {
            var context = ContextTelling(retryAfterSeconds: 10);
            Problems.Unavailable(context, "busy");
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
            var context = ContextTelling(retryAfterSeconds: 1);
            Problems.Unavailable(context, "busy");
            seen.Add(int.Parse(context.Response.Headers.RetryAfter.ToString(), System.Globalization.CultureInfo.InvariantCulture));
        }

        Assert.Equal([1, 2], seen.Order());
    }

    private static DefaultHttpContext ContextTelling(int retryAfterSeconds) => new()
    {
        RequestServices = new ServiceCollection()
            .AddSingleton(Options.Create(new UnavailableOptions { RetryAfterSeconds = retryAfterSeconds }))
            .BuildServiceProvider(),
    };
}
