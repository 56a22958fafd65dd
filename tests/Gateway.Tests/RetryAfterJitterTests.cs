using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Gateway.Tests;

public sealed class RetryAfterJitterTests
{
    [Fact]
    public async Task Clients_throttled_together_are_told_to_come_back_at_different_times_but_never_early()
    {
        var answers = new List<long>();
        for (var i = 0; i < 200; i++)
        {
            var context = Refused(rateLimitReset: "60");
            await GatewayProblems.WriteAsync(context, StatusCodes.Status429TooManyRequests, "Too many requests", "x", TimeSpan.FromSeconds(10));
            answers.Add(long.Parse(context.Response.Headers.RetryAfter.ToString(), provider: null));
        }

        Assert.True(answers.Distinct().Count() > 1, "Every client was told the same Retry-After.");
        Assert.All(answers, seconds => Assert.InRange(seconds, 10, 12));
    }

    [Fact]
    public async Task The_jitter_never_sends_a_client_past_the_RateLimit_Reset_it_was_given()
    {
        for (var i = 0; i < 100; i++)
        {
            var context = Refused(rateLimitReset: "10");
            await GatewayProblems.WriteAsync(context, StatusCodes.Status429TooManyRequests, "Too many requests", "x", TimeSpan.FromSeconds(10));

            Assert.Equal("10", context.Response.Headers.RetryAfter.ToString());
            Assert.Equal("10", context.Response.Headers["RateLimit-Reset"].ToString());
        }
    }

    private static DefaultHttpContext Refused(string rateLimitReset)
    {
        var context = new DefaultHttpContext { RequestServices = new ServiceCollection().AddLogging().BuildServiceProvider() };
        context.Response.Body = new MemoryStream();
        context.Response.Headers["RateLimit-Reset"] = rateLimitReset;
        return context;
    }
}
