using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
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

    [Theory]
    [InlineData(400, "https://httpwg.org/specs/rfc9110.html#status.400")]
    [InlineData(409, "https://httpwg.org/specs/rfc9110.html#status.409")]
    [InlineData(429, "https://www.rfc-editor.org/rfc/rfc6585#section-4")]
    public async Task Every_problem_links_its_status_in_the_RFC_that_defines_it_whoever_writes_it(int status, string type)
    {
        var context = new DefaultHttpContext
        {
            RequestServices = new ServiceCollection().AddLogging().AddProblemResponses().BuildServiceProvider(),
            Response = { Body = new MemoryStream() },
        };

        // A handler's own problem, without a type: the shared customisation supplies it.
        await TypedResults.Problem(statusCode: status, title: "t", detail: "d").ExecuteAsync(context);

        context.Response.Body.Position = 0;
        using var body = await System.Text.Json.JsonDocument.ParseAsync(context.Response.Body);
        Assert.Equal(type, body.RootElement.GetProperty("type").GetString());
        Assert.True(body.RootElement.TryGetProperty("traceId", out _));
    }

    private static DefaultHttpContext ContextTelling(int retryAfterSeconds) => new()
    {
        RequestServices = new ServiceCollection()
            .AddSingleton(Options.Create(new UnavailableOptions { RetryAfterSeconds = retryAfterSeconds }))
            .BuildServiceProvider(),
    };
}
