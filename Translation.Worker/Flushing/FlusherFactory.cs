using Microsoft.Extensions.Options;
using MySqlConnector;
using Persistence.Contracts;
using StackExchange.Redis;
using Translation.Worker.Migrations;

namespace Translation.Worker.Flushing;

/// <summary>Builds the flusher of one shard and consumer slot, for the table the shard's stream feeds.</summary>
public sealed class FlusherFactory(IServiceProvider services)
{
    public IHostedService Create(string shard, int slot) => StreamShards.StreamOf(shard) switch
    {
        PersistenceStreams.Sessions => Create(RecordTables.Sessions, shard, slot),
        PersistenceStreams.Tasks => Create(RecordTables.Tasks, shard, slot),
        PersistenceStreams.TranslationContents => Create(RecordTables.TranslationContents, shard, slot),
        PersistenceStreams.TranslationJobs => Create(RecordTables.TranslationJobs, shard, slot),
        _ => throw new ArgumentException($"{shard} is no data stream.", nameof(shard)),
    };

    private StreamFlusher<TRecord> Create<TRecord>(RecordTable<TRecord> table, string shard, int slot)
        where TRecord : class =>
        new(
            table,
            shard,
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
