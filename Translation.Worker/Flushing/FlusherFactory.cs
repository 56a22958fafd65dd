using System.Data.Common;
using Microsoft.Extensions.Options;
using Persistence.Contracts;
using Persistence.Storage;
using StackExchange.Redis;
using Translation.Worker.Flushing.MySql;
using Translation.Worker.Flushing.PostgreSql;
using Translation.Worker.Migrations;

namespace Translation.Worker.Flushing;

/// <summary>Builds the flusher of one shard and consumer slot, for the table the shard's stream feeds, in the configured backend's SQL.</summary>
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

    /// <summary>The upsert of <paramref name="table"/> in the SQL of <paramref name="backend"/>.</summary>
    public static UpsertWriter<TRecord> WriterFor<TRecord>(string backend, RecordTable<TRecord> table)
        where TRecord : class => backend switch
        {
            StorageBackends.PostgreSql => new PostgreSqlUpsertWriter<TRecord>(table),
            _ => new MySqlUpsertWriter<TRecord>(table),
        };

    private StreamFlusher<TRecord> Create<TRecord>(RecordTable<TRecord> table, string shard, int slot)
        where TRecord : class
    {
        var dialect = services.GetRequiredService<StorageDialect>();
        return new(
            WriterFor(dialect.Backend, table),
            shard,
            slot,
            services.GetRequiredService<IConnectionMultiplexer>(),
            services.GetRequiredService<DbDataSource>(),
            dialect,
            services.GetRequiredService<SchemaGate>(),
            services.GetRequiredService<FlushMetrics>(),
            services.GetRequiredService<StorageMetrics>(),
            services.GetRequiredService<TimeProvider>(),
            services.GetRequiredService<IOptions<FlushOptions>>(),
            services.GetRequiredService<IHostApplicationLifetime>(),
            services.GetRequiredService<ILogger<StreamFlusher<TRecord>>>());
    }
}
