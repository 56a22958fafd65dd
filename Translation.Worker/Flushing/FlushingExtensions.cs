using Microsoft.Extensions.Options;
using MySqlConnector;
using Persistence.Contracts;
using StackExchange.Redis;
using Translation.Worker.Migrations;

namespace Translation.Worker.Flushing;

public static class FlushingExtensions
{
    public static IHostApplicationBuilder AddFlushing(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<FlushOptions>()
            .BindConfiguration(FlushOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<FlushOptions>, FlushOptionsValidator>();
        builder.Services.AddSingleton<FlushMetrics>();
        builder.Services.AddSingleton<StorageMetrics>();
        // Before the flushers: hosted services stop in reverse order, so the heartbeat outlives their drain.
        builder.Services.AddHostedService<ConsumerHeartbeat>();
        builder.Services.AddHostedService(services => CreateFlusher(services, RecordTables.Sessions));
        builder.Services.AddHostedService(services => CreateFlusher(services, RecordTables.Tasks));
        builder.Services.AddHostedService(services => CreateFlusher(services, RecordTables.TranslationContents));
        builder.Services.AddHostedService(services => CreateFlusher(services, RecordTables.TranslationJobs));
        return builder;
    }

    private static StreamFlusher<TRecord> CreateFlusher<TRecord>(IServiceProvider services, RecordTable<TRecord> table)
        where TRecord : class =>
        new(
            table,
            services.GetRequiredService<IConnectionMultiplexer>(),
            services.GetRequiredService<MySqlDataSource>(),
            services.GetRequiredService<SchemaGate>(),
            services.GetRequiredService<FlushMetrics>(),
            services.GetRequiredService<StorageMetrics>(),
            services.GetRequiredService<TimeProvider>(),
            services.GetRequiredService<IOptions<FlushOptions>>(),
            services.GetRequiredService<IHostApplicationLifetime>(),
            services.GetRequiredService<ILogger<StreamFlusher<TRecord>>>());
}
