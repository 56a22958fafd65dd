using System.Diagnostics;
using System.Net;
using AppHost;
using Persistence.Contracts;
using Stack.Testing;
using StackExchange.Redis;

namespace Integration.Tests;

/// <summary>
/// A worker that dies hands its entries on in seconds, found dead by its missing heartbeat rather than by the claim
/// idle time, which stays at its production default here; a worker that is merely slow keeps its entries. The
/// stack does not restart crashed processes, so a killed worker stays dead.
/// </summary>
[Collection(UnsupervisedStackDefinition.Name)]
public sealed class DeadWorkerTests(UnsupervisedStackFixture stack)
{
    // The dead consumer's heartbeat must run out before another worker takes its entries; under a loaded CI host that took
    // over 5 s once (2,000 of 4,000 rows at 5 s).
    private static readonly TimeSpan HandOverTime = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task A_killed_worker_that_stays_dead_has_its_entries_committed_by_another_within_seconds_and_leaves_the_group()
    {
        var prefix = Records.Prefix();
        await using var redis = await ConnectionMultiplexer.ConnectAsync(stack.RedisConnectionString);
        var (posted, victim) = await PostUntilHeldAsync(redis.GetDatabase(), prefix);

        await stack.Stack.KillAsync(victim);
        var killed = Stopwatch.StartNew();
        try
        {
            // A new user's flush, with the default timeout: it waits for the dead worker's entries too.
            var flush = stack.Gateway.PostAsync(ApiRoutes.Persistence.Flush, null);

            await using var db = stack.OpenDatabase();
            var landed = 0L;
            while (killed.Elapsed < HandOverTime && (landed = await Rows.CountAsync(db, "translation_tasks", "task_id", prefix)) < posted)
            {
                await Task.Delay(100);
            }

            Assert.True(landed == posted, $"{landed} of {posted} rows {HandOverTime} after the kill.\n{stack.LogTail()}");
            using var flushed = await flush;
            Assert.True(flushed.StatusCode == HttpStatusCode.OK, $"flush answered {(int)flushed.StatusCode}: {await flushed.Content.ReadAsStringAsync()}");

            // Once its entries are gone, the dead consumer is removed rather than left in the group for good.
            var deadline = DateTime.UtcNow.AddSeconds(20);
            while (DateTime.UtcNow < deadline && await IsMemberAnywhereAsync(redis.GetDatabase(), victim))
            {
                await Task.Delay(250);
            }

            Assert.False(await IsMemberAnywhereAsync(redis.GetDatabase(), victim), $"{victim} is still a consumer of a stream 20 s after it died.");
        }
        finally
        {
            await stack.Stack.StartResourceAsync(victim);
        }
    }

    [Fact]
    public async Task A_worker_paused_for_less_than_its_heartbeat_lifetime_keeps_its_entries()
    {
        var prefix = Records.Prefix();
        await using var redis = await ConnectionMultiplexer.ConnectAsync(stack.RedisConnectionString);
        var database = redis.GetDatabase();
        var (posted, victim) = await PostUntilHeldAsync(database, prefix);

        await stack.Stack.SignalAsync(victim, Signals.Stop);
        HashSet<string> held;
        HashSet<string> stillHeld;
        try
        {
            held = await HeldAsync(database, victim);
            await Task.Delay(TimeSpan.FromSeconds(1));
            stillHeld = await HeldAsync(database, victim);
        }
        finally
        {
            await stack.Stack.SignalAsync(victim, Signals.Continue);
        }

        Assert.NotEmpty(held);
        Assert.True(held.IsSubsetOf(stillHeld), $"{held.Except(stillHeld).Count()} of {held.Count} entries were taken from a live worker paused for a second.");
        await stack.FlushAsync();
        await using var db = stack.OpenDatabase();
        Assert.Equal(posted, await Rows.CountAsync(db, "translation_tasks", "task_id", prefix));
    }

    [Fact]
    public async Task An_entry_resumed_after_more_restarts_than_MaxDeliveries_is_dead_lettered_instead_of_crash_looping_its_worker()
    {
        var victim = stack.Stack.Workers[0];
        var prefix = Records.Prefix();
        await stack.FlushAsync();
        foreach (var worker in stack.Stack.Workers)
        {
            await stack.Stack.StopResourceAsync(worker);
        }

        await using var redis = await ConnectionMultiplexer.ConnectAsync(stack.RedisConnectionString);
        var database = redis.GetDatabase();
        try
        {
            await Reads.AcceptedAsync(stack.PostTasksAsync(Records.Tasks(prefix, 1)));

            // As if the victim had read it and died on it at every one of its last 25 starts (more than MaxDeliveries).
            var delivered = await database.StreamReadGroupAsync(PersistenceStreams.Tasks, PersistenceStreams.ConsumerGroup, victim, StreamPosition.NewMessages, 1);
            var id = Assert.Single(delivered).Id;
            await database.ExecuteAsync("XCLAIM", PersistenceStreams.Tasks, PersistenceStreams.ConsumerGroup, victim, 0, id, "RETRYCOUNT", 25, "JUSTID");

            await stack.Stack.StartResourceAsync(victim);
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (DateTime.UtcNow < deadline && !await IsDeadLetteredAsync(database, id))
            {
                await Task.Delay(200);
            }

            Assert.True(await IsDeadLetteredAsync(database, id), $"Entry {id}, delivered 26 times, was not dead-lettered on resume.\n{stack.LogTail()}");
            await using var db = stack.OpenDatabase();
            Assert.Equal(0, await Rows.CountAsync(db, "translation_tasks", "task_id", prefix));
        }
        finally
        {
            foreach (var worker in stack.Stack.Workers.Where(w => stack.Stack.ProcessId(w) is null))
            {
                await stack.Stack.StartResourceAsync(worker);
            }
        }
    }

    private static async Task<bool> IsDeadLetteredAsync(IDatabase database, RedisValue id) =>
        (await database.StreamRangeAsync(PersistenceStreams.DeadLetters, "-", "+"))
        .Any(e => e[PersistenceStreams.Fields.SourceStream] == PersistenceStreams.Tasks && e[PersistenceStreams.Fields.SourceId] == id);

    /// <summary>
    /// Posts batches until a worker holds delivered, un-acknowledged entries; returns the records posted and that
    /// worker. Only one worker reads a shard's new entries at a time (the reader lease), and which one depends on what
    /// earlier tests did, so the victim is whoever holds them.
    /// </summary>
    private async Task<(int Posted, string Holder)> PostUntilHeldAsync(IDatabase database, string prefix)
    {
        const int BatchSize = 2000;
        var posted = 0;
        for (var batch = 0; batch < 200; batch++)
        {
            await Reads.AcceptedAsync(stack.PostTasksAsync(Records.Tasks(prefix, BatchSize, offset: posted)));
            posted += BatchSize;
            foreach (var worker in stack.Stack.Workers)
            {
                if ((await HeldAsync(database, worker)).Count > 0)
                {
                    return (posted, worker);
                }
            }
        }

        throw new InvalidOperationException($"No worker ever held an entry while {posted} records were posted.");
    }

    private static async Task<HashSet<string>> HeldAsync(IDatabase database, string consumer)
    {
        var pending = await database.StreamPendingMessagesAsync(PersistenceStreams.Tasks, PersistenceStreams.ConsumerGroup, 100_000, consumer);
        return [.. pending.Select(p => p.MessageId.ToString())];
    }

    private static async Task<bool> IsMemberAnywhereAsync(IDatabase database, string consumer)
    {
        foreach (var stream in PersistenceStreams.Data)
        {
            if ((await database.StreamConsumerInfoAsync(stream, PersistenceStreams.ConsumerGroup)).Any(c => c.Name == consumer))
            {
                return true;
            }
        }

        return false;
    }
}
