using Microsoft.AspNetCore.Diagnostics;
using Microsoft.Extensions.Options;
using Persistence.Api.Ingest;
using StackExchange.Redis;

namespace Persistence.Api;

/// <summary>
/// Any endpoint that finds Redis unreachable answers 503 with <c>Retry-After</c>: the client can retry, and a 500
/// would wrongly suggest a bug.
/// </summary>
public sealed class RedisUnavailableHandler(IOptions<IngestOptions> options, ILogger<RedisUnavailableHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not (RedisConnectionException or RedisTimeoutException or TimeoutException) || httpContext.Response.HasStarted)
        {
            return false;
        }

        Log.StreamStateFailed(logger, exception);
        await Problems.Unavailable(httpContext, options.Value.RetryAfterSeconds, "The queue is unreachable; retry later.").ExecuteAsync(httpContext);
        return true;
    }
}
