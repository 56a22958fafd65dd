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
        AddFlushers(builder, RecordTables.Sessions);
        AddFlushers(builder, RecordTables.Tasks);
        AddFlushers(builder, RecordTables.TranslationContents);
        AddFlushers(builder, RecordTables.TranslationJobs);
        return builder;
    }

    private static void AddFlushers<TRecord>(IHostApplicationBuilder builder, RecordTable<TRecord> table)
        where TRecord : class
    {
        var count = builder.Configuration.GetValue(FlushOptions.SectionName + ":" + nameof(FlushOptions.FlushersPerStream), FlushOptions.DefaultFlushersPerStream);
        for (var index = 0; index < Math.Clamp(count, 1, 16); index++)
        {
            var slot = index;
            // Not AddHostedService: it keeps one registration per service type, and these share theirs.
            builder.Services.AddSingleton<IHostedService>(services => CreateFlusher(services, table, slot));
        }
    }

    private static StreamFlusher<TRecord> CreateFlusher<TRecord>(IServiceProvider services, RecordTable<TRecord> table, int slot)
        where TRecord : class =>
        new(
            table,
            slot,
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
