using Persistence.Contracts;
using Translation.Worker.Flushing;
using Translation.Worker.GarbageCollection;
using Translation.Worker.Migrations;
using Translation.Worker.Processing;

namespace Translation.Worker;

public static class WorkerExtensions
{
    public const string RedisConnectionName = "redis";
    public const string DatabaseConnectionName = "persistencedb";

    public static IHostApplicationBuilder AddTranslationWorker(this IHostApplicationBuilder builder)
    {
        builder.AddRedisClient(RedisConnectionName);
        builder.AddMySqlDataSource(DatabaseConnectionName);
        builder.Services.AddSingleton(TimeProvider.System);

        builder.AddMigrations();
        builder.AddFlushing();
        builder.AddGarbageCollection();
        builder.AddProcessing();
        return builder;
    }
}
