using System.Text.Json;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Persistence.Api.Callers;
using Persistence.Api.Ingest;
using Persistence.Api.Pipeline;
using Persistence.Api.Translations;
using StackExchange.Redis;

namespace Persistence.Api;

public static class PersistenceApiExtensions
{
    /// <summary>Resource name of the Redis connection string (<c>ConnectionStrings:redis</c>).</summary>
    public const string RedisConnectionName = "redis";

    /// <summary>Resource name of the MySQL connection string, read by the query endpoints.</summary>
    public const string DatabaseConnectionName = "persistencedb";

    public static IHostApplicationBuilder AddPersistenceApi(this IHostApplicationBuilder builder)
    {
        // Fail a command at once while Redis is unreachable, so the client gets a 503 it can retry instead of
        // waiting on a backlog that may or may not be written later.
        builder.AddRedisClient(RedisConnectionName, options => options.BacklogPolicy = BacklogPolicy.FailFast);

        // Only the query endpoints need MySQL: without it the replica must stay in rotation for ingest, so an
        // unreachable database degrades its health (still 200) instead of failing it.
        builder.AddMySqlDataSource(DatabaseConnectionName, failureStatus: HealthStatus.Degraded);

        builder.Services.AddProblemDetails();
        builder.Services.ConfigureHttpJsonOptions(options =>
            options.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower);
        builder.Services.AddSingleton(TimeProvider.System);

        builder.AddInternalCallers();
        builder.AddIngest();
        builder.AddPipeline();
        builder.AddTranslations();
        return builder;
    }
}
