using System.Diagnostics;
using Persistence.Contracts;
using StackExchange.Redis;

namespace Integration.Tests;

/// <summary>
/// While MySQL refuses writes for a long time (a primary turned read-only during a fail-over, a full disk), the
/// entries waiting on it change hands as workers restart; none of that may count against them as a crash, and a
/// worker stops within its drain time however many of its flushers are retrying.
/// </summary>
[Collection(UnsupervisedStackDefinition.Name)]
public sealed class WriteOutageTests(UnsupervisedStackFixture stack)
{
    [Fact]
    public async Task Entries_handed_over_through_more_restarts_than_MaxDeliveries_during_a_write_outage_are_committed_not_dead_lettered()
    {
        var prefix = Records.Prefix();
        await using var redis = await ConnectionMultiplexer.ConnectAsync(stack.RedisConnectionString);
        var database = redis.GetDatabase();
        await using (await WriteOutage.BeginAsync(stack.DatabaseConnectionString, "translation_tasks"))
        {
            await Reads.AcceptedAsync(stack.PostTasksAsync(Records.Tasks(prefix, 10)));
            var held = await WaitUntilHeldAsync(database, PersistenceStreams.Tasks, stack.Stack.Workers, minimum: 1);

            // Each restart hands the entries over once: to the other worker, or back to the restarted one.
            for (var restart = 0; restart <= UnsupervisedStackFixture.MaxDeliveries; restart++)
            {
                var holders = await HoldersAsync(database, PersistenceStreams.Tasks, held);
                if (holders.Count == 0)
                {
                    break; // Dead-lettered: the assertion below says so.
                }

                await stack.Stack.RestartResourceAsync(holders[0]);
                // A failed commit by the new holder, so this delivery is over before the next restart.
                await Task.Delay(TimeSpan.FromSeconds(2));
            }
        }

        await stack.FlushAsync();
        await using var db = stack.OpenDatabase();
        var deadLettered = (await database.StreamRangeAsync(PersistenceStreams.DeadLetters, "-", "+"))
            .Count(e => ((string?)e[PersistenceStreams.Fields.Record])?.Contains(prefix, StringComparison.Ordinal) == true);
        Assert.True(deadLettered == 0, $"{deadLettered} healthy entries were dead-lettered by the outage.\n{stack.LogLines(StackResources.WorkerInstance(0), "Dead-lettered")}");
        Assert.Equal(10, await Rows.CountAsync(db, "translation_tasks", "task_id", prefix));
    }

    [Fact]
    public async Task A_worker_whose_flushers_all_retry_a_refused_commit_stops_within_its_drain_time()
    {
        var prefix = Records.Prefix();
        var (victim, other) = (stack.Stack.Workers[0], stack.Stack.Workers[1]);
        await using var redis = await ConnectionMultiplexer.ConnectAsync(stack.RedisConnectionString);
        var database = redis.GetDatabase();
        await stack.Stack.StopResourceAsync(other);
        try
        {
            await using (await WriteOutage.BeginAsync(stack.DatabaseConnectionString, "translation_sessions", "translation_tasks"))
            {
                await Reads.AcceptedAsync(stack.PostSessionsAsync(Enumerable.Range(0, 10).Select(i => Records.Session($"{prefix}-{Reads.N(i)}", "processing", 1))));
                await Reads.AcceptedAsync(stack.PostTasksAsync(Records.Tasks(prefix, 10)));
                // Each request is one entry per shard; the worker's reader of each stream holds it and retries.
                await WaitUntilHeldAsync(database, PersistenceStreams.Sessions, [victim], minimum: 1);
                await WaitUntilHeldAsync(database, PersistenceStreams.Tasks, [victim], minimum: 1);

                var process = Process.GetProcessById(await stack.Stack.WaitForProcessIdAsync(victim));
                var stopping = Stopwatch.StartNew();
                await stack.Stack.StopResourceAsync(victim);
                await process.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token);
                stopping.Stop();

                // The flushers drain side by side, not one after another; the margin is the host's own stopping.
                var allowed = TimeSpan.FromMilliseconds(UnsupervisedStackFixture.DrainTimeoutMs) + TimeSpan.FromSeconds(4);
                Assert.True(stopping.Elapsed < allowed, $"The worker took {stopping.Elapsed.TotalSeconds:F1} s to stop; allowed {allowed.TotalSeconds:F1} s.\n{stack.LogTail()}");
            }
        }
        finally
        {
            foreach (var worker in stack.Stack.Workers.Where(w => stack.Stack.ProcessId(w) is null))
            {
                await stack.Stack.StartResourceAsync(worker);
            }
        }

        await stack.FlushAsync();
        await using var db = stack.OpenDatabase();
        Assert.Equal(10, await Rows.CountAsync(db, "translation_sessions", "session_id", prefix));
        Assert.Equal(10, await Rows.CountAsync(db, "translation_tasks", "task_id", prefix));
    }

    private static async Task<HashSet<string>> WaitUntilHeldAsync(IDatabase database, string stream, IReadOnlyCollection<string> consumers, int minimum)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        HashSet<string> held = [];
        while (DateTime.UtcNow < deadline)
        {
            held = [];
            foreach (var consumer in consumers)
            {
                var pending = await database.StreamPendingMessagesAsync(stream, PersistenceStreams.ConsumerGroup, 10_000, consumer);
                held.UnionWith(pending.Select(p => p.MessageId.ToString()));
            }

            if (held.Count >= minimum)
            {
                return held;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"{string.Join(", ", consumers)} held {held.Count} entries of {stream}, not {minimum}, after 60 s.");
    }

    private static async Task<IReadOnlyList<string>> HoldersAsync(IDatabase database, string stream, HashSet<string> entries)
    {
        var pending = await database.StreamPendingMessagesAsync(stream, PersistenceStreams.ConsumerGroup, 10_000, RedisValue.Null);
        return [.. pending.Where(p => entries.Contains(p.MessageId.ToString())).Select(p => p.ConsumerName.ToString()).Distinct()];
    }
}
