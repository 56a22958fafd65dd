using System.Text.Json;
using Persistence.Api.Backpressure;
using Persistence.Api.Callers;
using Persistence.Api.DeadLetters;
using Persistence.Api.Ingest;
using Persistence.Api.Pipeline;
using StackExchange.Redis;

namespace Persistence.Api;

public static class PersistenceApiExtensions
{
    /// <summary>Resource name of the Redis connection string (<c>ConnectionStrings:redis</c>).</summary>
    public const string RedisConnectionName = "redis";

    public static IHostApplicationBuilder AddPersistenceApi(this IHostApplicationBuilder builder)
    {
        // Fail a command at once while Redis is unreachable, so the client gets a 503 it can retry instead of
        // waiting on a backlog that may or may not be written later.
        builder.AddRedisClient(RedisConnectionName, options => options.BacklogPolicy = BacklogPolicy.FailFast);

        builder.Services.AddProblemDetails();
        builder.Services.AddExceptionHandler<RedisUnavailableHandler>();
        builder.Services.ConfigureHttpJsonOptions(options =>
            options.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower);
        builder.Services.AddSingleton(TimeProvider.System);

        builder.AddInternalCallers();
        builder.AddIngest();
        builder.AddBackpressure();
        builder.AddDeadLetters();
        builder.AddPipeline();
        return builder;
    }
}
