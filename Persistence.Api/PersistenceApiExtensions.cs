using System.Text.Json;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Persistence.Api.Backpressure;
using Persistence.Api.Callers;
using Persistence.Api.DeadLetters;
using Persistence.Api.Http;
using Persistence.Api.Ingest;
using Persistence.Api.OpenApi;
using Persistence.Api.Pipeline;
using Persistence.Api.Queries;
using Persistence.Api.Recovery;
using Persistence.Api.Streams;
using Persistence.Api.Translations;
using Persistence.Contracts;
using Persistence.Maintenance.GarbageCollection;
using Persistence.Storage;
using StackExchange.Redis;

namespace Persistence.Api;

public static class PersistenceApiExtensions
{
    /// <summary>Resource name of the Redis connection string (<c>ConnectionStrings:redis</c>).</summary>
    public const string RedisConnectionName = StackResources.Redis;

    /// <summary>Resource name of the database connection string (<c>ConnectionStrings:persistencedb</c>).</summary>
    public const string DatabaseConnectionName = StackResources.Database;

    public static IHostApplicationBuilder AddPersistenceApi(this IHostApplicationBuilder builder)
    {
        builder.AddRedisClient(RedisConnectionName, configureOptions: options =>
        {
            // Start even when Redis is down and keep reconnecting (readiness reports the outage); come back within a
            // second or so after a Redis restart instead of the library's 5 s back-off base.
            options.AbortOnConnectFail = false;
            options.ReconnectRetryPolicy = new ExponentialRetry(deltaBackOffMilliseconds: 250, maxDeltaBackOffMilliseconds: 5000);
            // Fail a command at once while Redis is unreachable, so the client gets a 503 it can retry instead of
            // waiting on a backlog that may or may not be written later.
            options.BacklogPolicy = BacklogPolicy.FailFast;
        });
        // Only reads need the database: ingest must keep taking records while it is down (Redis holds the backlog) and
        // the gateway routes by health, so an unreachable database degrades health (still 200) instead of failing it.
        // Reads answer 503 on their own during an outage.
        builder.AddPersistenceStorage(DatabaseConnectionName, HealthStatus.Degraded);

        builder.Services.AddProblemResponses();
        builder.Services.AddOptions<UnavailableOptions>()
            .BindConfiguration(UnavailableOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddExceptionHandler<UnavailableDependencyHandler>();
        builder.Services.ConfigureHttpJsonOptions(options =>
        {
            options.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
            // The answers and bodies the client shares, generated once in the contracts; the rest by reflection.
            options.SerializerOptions.TypeInfoResolverChain.Insert(0, HttpJsonContext.Default);
        });
        builder.Services.AddSingleton(TimeProvider.System);

        builder.AddInternalCallers();
        builder.AddStreamLayout();
        builder.AddIngest();
        builder.AddBackpressure();
        builder.AddDeadLetters();
        builder.AddPipeline();
        builder.AddQueries();
        builder.AddRecovery();
        builder.AddGarbageCollector();
        builder.AddTranslations();
        builder.AddApiDescription();
        return builder;
    }
}
