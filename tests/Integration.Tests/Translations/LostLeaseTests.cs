using MySqlConnector;
using Persistence.Contracts;
using Persistence.Storage.MySql;
using Translation.Worker.Processing;

namespace Integration.Tests.Translations;

/// <summary>
/// A worker that lost a job's lease (it was too slow; another took the job, or a reviewer rejected what came of it)
/// records nothing for it: not the job's outcome, and not its text in translation memory, where it would undo the
/// reject for every later job of that content. Runs the worker's own store against the stack's database.
/// </summary>
[Collection(StackDefinition.Name)]
public sealed class LostLeaseTests(StackFixture stack)
{
    private static readonly EngineIdentity Debug = new(TranslationEngines.Debug, "1", "debug:1");

    [Fact]
    public async Task A_worker_that_lost_the_lease_writes_neither_the_outcome_nor_translation_memory_and_the_holder_writes_both()
    {
        var prefix = Records.Prefix();
        var jobId = Guid.NewGuid().ToString("N");
        await using var db = stack.OpenDatabase();
        // Leased for an hour by "holder", so the stack's own workers leave it alone.
        var hash = await LeasedJob.InsertAsync(db, jobId, $"{prefix}.lease", "Lost lease", "holder", leaseSeconds: 3600);

        await using var dataSource = new MySqlDataSource(stack.DatabaseConnectionString);
        var store = new JobStore(dataSource, new MySqlDialect());
        var job = new ClaimedJob(jobId, $"{prefix}.lease", hash, "en", "fr", 1, Debug, BypassMemory: false);
        IReadOnlyList<MemoryEntry> memory = [new("en", "fr", hash, "stale text", TranslationEngines.Debug, Replace: false)];

        var staleCount = await store.RecordAsync("stale", "stale", [JobOutcome.Translated(job, "stale text")], memory, CancellationToken.None);
        var staleMemory = await CountAsync(db, "SELECT COUNT(*) FROM translation_memory WHERE content_hash = @p", hash);
        var staleStatus = await StatusAsync(db, jobId);

        var holderCount = await store.RecordAsync("holder", "holder", [JobOutcome.Translated(job, "stale text")], memory, CancellationToken.None);

        Assert.Equal((0, 0L, "translating"), (staleCount, staleMemory, staleStatus));
        Assert.Equal(1, holderCount);
        Assert.Equal(1L, await CountAsync(db, "SELECT COUNT(*) FROM translation_memory WHERE content_hash = @p", hash));
        Assert.Equal("translated", await StatusAsync(db, jobId));
    }

    private static async Task<long> CountAsync(MySqlConnection db, string sql, string parameter)
    {
        await using var command = new MySqlCommand(sql, db);
        command.Parameters.AddWithValue("@p", parameter);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static async Task<string> StatusAsync(MySqlConnection db, string jobId)
    {
        await using var command = new MySqlCommand("SELECT status FROM translation_jobs WHERE job_id = @p", db);
        command.Parameters.AddWithValue("@p", jobId);
        return (string)(await command.ExecuteScalarAsync())!;
    }
}
