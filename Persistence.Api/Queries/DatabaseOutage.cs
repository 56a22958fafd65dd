using System.Data.Common;
using Persistence.Api.Ingest;
using Persistence.Storage;

namespace Persistence.Api.Queries;

/// <summary>
/// Reads need the database, ingest does not: the replicas stay ready while it is down (their health check only
/// degrades), and a read that cannot reach it answers 503 with <c>Retry-After</c> instead of a 500. The backend's
/// <see cref="StorageDialect"/> tells an outage from a bug.
/// </summary>
public static class DatabaseOutage
{
    public static TBuilder AnswerUnavailableWhenDatabaseIsDown<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(async (context, next) =>
        {
            try
            {
                return await next(context);
            }
            catch (DbException ex) when (!context.HttpContext.Response.HasStarted
                && TransientFailures.IsDatabase(ex, context.HttpContext.RequestServices.GetRequiredService<StorageDialect>()))
            {
                var services = context.HttpContext.RequestServices;
                Log.DatabaseUnavailable(services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(DatabaseOutage).FullName!), ex);
                return Problems.Unavailable(context.HttpContext, "The database is unavailable; retry later.");
            }
        });
}
