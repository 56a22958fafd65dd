using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Hosting;
using MySqlConnector;
using Npgsql;
using Persistence.Api.Http;
using Persistence.Api.Ingest;
using Persistence.Storage;
using Persistence.Storage.MySql;
using Persistence.Storage.PostgreSql;
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

    /// <summary>Each driver's own failure when nothing listens: a closed port on loopback refuses at once.</summary>
    [Fact]
    public async Task A_MySQL_database_that_does_not_answer_is_answered_503()
    {
        await using var dataSource = new MySqlDataSource("Server=127.0.0.1;Port=1;User ID=test;Pooling=false;Connection Timeout=5");
        var failure = await Assert.ThrowsAsync<MySqlException>(async () => await dataSource.OpenConnectionAsync());

        var (handled, context) = await HandleAsync(failure, new MySqlDialect());

        Assert.True(handled);
        Assert.Equal(StatusCodes.Status503ServiceUnavailable, context.Response.StatusCode);
    }

    [Fact]
    public async Task A_PostgreSQL_database_that_does_not_answer_is_answered_503()
    {
        await using var dataSource = NpgsqlDataSource.Create("Host=127.0.0.1;Port=1;Username=test;Pooling=false;Timeout=5");
        var failure = await Assert.ThrowsAsync<NpgsqlException>(async () => await dataSource.OpenConnectionAsync());

        var (handled, context) = await HandleAsync(failure, new PostgreSqlDialect());

        Assert.True(handled);
        Assert.Equal(StatusCodes.Status503ServiceUnavailable, context.Response.StatusCode);
    }

    /// <summary>A missing table passes once the workers have migrated; a value the column refuses never does.</summary>
    [Theory]
    [InlineData("42P01", true)] // undefined_table
    [InlineData("22001", false)] // string_data_right_truncation
    [InlineData("42601", false)] // syntax_error
    public async Task A_PostgreSQL_server_error_is_503_only_when_it_passes(string sqlState, bool unavailable)
    {
        var (handled, _) = await HandleAsync(new PostgresException("refused", "ERROR", "ERROR", sqlState), new PostgreSqlDialect());

        Assert.Equal(unavailable, handled);
    }

    private static async Task<(bool Handled, HttpContext Context)> HandleAsync(Exception exception, StorageDialect? dialect = null)
    {
        var services = new ServiceCollection().AddLogging().AddProblemResponses().AddSingleton(Options.Create(new UnavailableOptions())).BuildServiceProvider();
        var context = new DefaultHttpContext { RequestServices = services };
        context.Response.Body = new MemoryStream();
        var handler = new UnavailableDependencyHandler(dialect ?? new MySqlDialect(), NullLogger<UnavailableDependencyHandler>.Instance);
        var handled = await handler.TryHandleAsync(context, exception, CancellationToken.None);
        return (handled, context);
    }
}
