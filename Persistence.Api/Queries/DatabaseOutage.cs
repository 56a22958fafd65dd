using Microsoft.Extensions.Options;
using MySqlConnector;
using Persistence.Api.Ingest;

namespace Persistence.Api.Queries;

/// <summary>
/// Reads need MySQL, ingest does not: the replicas stay ready while MySQL is down (their health check does not
/// include it), and a read that cannot reach it answers 503 with <c>Retry-After</c> instead of a 500.
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
            catch (MySqlException ex) when (TransientFailures.IsDatabase(ex) && !context.HttpContext.Response.HasStarted)
            {
                var services = context.HttpContext.RequestServices;
                Log.DatabaseUnavailable(services.GetRequiredService<ILogger<MySqlDataSource>>(), ex);
                return Problems.Unavailable(context.HttpContext, "The database is unavailable; retry later.");
            }
        });
}
