using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Hosting;
using Persistence.Api.Http;
using Persistence.Api.Ingest;
using StackExchange.Redis;

namespace Persistence.Api.Tests;

public sealed class UnavailableDependencyHandlerTests
{
    [Theory]
    [InlineData(RedisErrorKind.Loading, "LOADING Redis is loading the dataset in memory")]
    [InlineData(RedisErrorKind.OutOfMemory, "OOM command not allowed when used memory > 'maxmemory'.")]
    [InlineData(RedisErrorKind.Busy, "BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.")]
    [InlineData(RedisErrorKind.MasterDown, "MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'.")]
    [InlineData(RedisErrorKind.Unknown, "LOADING Redis is loading the dataset in memory")]
    [InlineData(RedisErrorKind.UnknownError, "ERR Error running script (call to f_0123): @user_script:2: OOM command not allowed when used memory > 'maxmemory'.")]
    public async Task A_Redis_server_error_that_passes_by_itself_is_answered_503_with_Retry_After(RedisErrorKind kind, string message)
    {
        var (handled, context) = await HandleAsync(new RedisServerException(kind, CommandFlags.None, message));

        Assert.True(handled);
        Assert.Equal(StatusCodes.Status503ServiceUnavailable, context.Response.StatusCode);
        Assert.False(string.IsNullOrEmpty(context.Response.Headers.RetryAfter));
    }

    [Theory]
    [InlineData(RedisErrorKind.WrongType, "WRONGTYPE Operation against a key holding the wrong kind of value")]
    [InlineData(RedisErrorKind.UnknownCommand, "ERR unknown command 'FOO'")]
    public async Task A_Redis_error_that_is_a_bug_is_left_to_the_default_handler(RedisErrorKind kind, string message)
    {
        var (handled, _) = await HandleAsync(new RedisServerException(kind, CommandFlags.None, message));

        Assert.False(handled);
    }

    private static async Task<(bool Handled, HttpContext Context)> HandleAsync(Exception exception)
    {
        var services = new ServiceCollection().AddLogging().AddProblemResponses().AddSingleton(Options.Create(new UnavailableOptions())).BuildServiceProvider();
        var context = new DefaultHttpContext { RequestServices = services };
        context.Response.Body = new MemoryStream();
        var handler = new UnavailableDependencyHandler(NullLogger<UnavailableDependencyHandler>.Instance);
        var handled = await handler.TryHandleAsync(context, exception, CancellationToken.None);
        return (handled, context);
    }
}
