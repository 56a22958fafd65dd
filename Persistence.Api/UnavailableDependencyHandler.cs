using Microsoft.AspNetCore.Diagnostics;
using Persistence.Storage;

namespace Persistence.Api;

/// <summary>
/// Any endpoint that finds Redis or the database away for a while (see <see cref="TransientFailures"/>) answers 503 with
/// <c>Retry-After</c>: the client can retry, and a 500 would wrongly suggest a bug.
/// </summary>
public sealed class UnavailableDependencyHandler(StorageDialect dialect, ILogger<UnavailableDependencyHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (httpContext.Response.HasStarted)
        {
            return false;
        }

        string detail;
        if (TransientFailures.IsRedis(exception))
        {
            Log.StreamStateFailed(logger, exception);
            detail = "The queue is unavailable; retry later.";
        }
        else if (TransientFailures.IsDatabase(exception, dialect))
        {
            Log.DatabaseUnavailable(logger, exception);
            detail = "The database is unavailable; retry later.";
        }
        else
        {
            return false;
        }

        await Problems.Unavailable(httpContext, detail).ExecuteAsync(httpContext);
        return true;
    }
}
