using Persistence.Contracts;
using Persistence.Storage;
using StackExchange.Redis;
using Translation.Worker.Backup;
using Translation.Worker.Flushing;
using Translation.Worker.GarbageCollection;
using Translation.Worker.Migrations;
using Translation.Worker.Processing;

namespace Translation.Worker;

public static class WorkerExtensions
{
    public const string RedisConnectionName = StackResources.Redis;
    public const string DatabaseConnectionName = StackResources.Database;

    public static IHostApplicationBuilder AddTranslationWorker(this IHostApplicationBuilder builder)
    {
        builder.AddRedisClient(RedisConnectionName, configureOptions: options =>
        {
            // Start even when Redis is down and keep reconnecting (readiness reports the outage); come back within a
            // second or so after a Redis restart instead of the library's 5 s back-off base.
            options.AbortOnConnectFail = false;
            options.ReconnectRetryPolicy = new ExponentialRetry(deltaBackOffMilliseconds: 250, maxDeltaBackOffMilliseconds: 5000);
        });
        builder.AddPersistenceStorage(DatabaseConnectionName);
        builder.Services.AddSingleton(TimeProvider.System);

        builder.AddMigrations();
        builder.AddFlushing();
        builder.AddProcessing();
        builder.AddGarbageCollection();
        builder.AddScheduledBackups();
        return builder;
    }
}
