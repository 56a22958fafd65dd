using System.Collections.Concurrent;
using System.Net;
using Persistence.Contracts;
using StackExchange.Redis;

namespace Integration.Tests;

/// <summary>Stopping or losing a process under load costs no accepted record, and a clean stop costs no request.</summary>
[Collection(IsolatedStackDefinition.Name)]
public sealed class DrainTests(IsolatedStackFixture stack)
{
    [Fact]
    public async Task An_API_replica_stopped_under_load_costs_no_request_and_a_killed_one_loses_no_accepted_record()
    {
        var prefix = Records.Prefix();
        var replicas = stack.Stack.ApiReplicas;
        var phase = "steady";
        var outcomes = new ConcurrentQueue<(string Phase, HttpStatusCode Status)>();
        var firstFailure = "";
        var accepted = 0;
        var next = 0;
        using var stop = new CancellationTokenSource();

        var clients = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var offset = Interlocked.Add(ref next, 100) - 100;
                try
                {
                    using var response = await stack.PostTasksAsync(Records.Tasks(prefix, 100, offset));
                    // Labelled when the answer comes: a request in flight on the replica when it is killed belongs
                    // to the kill.
                    outcomes.Enqueue((phase, response.StatusCode));
                    if (response.StatusCode != HttpStatusCode.Accepted && firstFailure.Length == 0)
                    {
                        firstFailure = await response.Content.ReadAsStringAsync();
                    }

                    if (response.StatusCode == HttpStatusCode.Accepted)
                    {
                        Interlocked.Add(ref accepted, 100);
                    }
                }
                catch (HttpRequestException)
                {
                    outcomes.Enqueue((phase, 0));
                }
            }
        })).ToList();

        await Task.Delay(1000);
        phase = "sigterm";
        await stack.Stack.StopResourceAsync(replicas[0]);
        await Task.Delay(1500);
        await stack.Stack.StartResourceAsync(replicas[0]);
        phase = "steady";
        await Task.Delay(500);
        phase = "sigkill";
        var killed = await stack.Stack.KillAsync(replicas[1]);
        // Nobody restarts it: AppHost's supervisor does, as a cluster would.
        await stack.Stack.WaitForProcessIdAsync(replicas[1], other: killed);
        await stack.Stack.WaitHealthyAgainAsync(replicas[1]);
        await stack.WaitForApiReplicasAsync();
        await stop.CancelAsync();
        await Task.WhenAll(clients);

        var all = outcomes.ToList();
        Assert.Contains(all, o => o.Phase == "sigterm");
        Assert.Contains(all, o => o.Phase == "sigkill");
        // A clean stop or a dead replica is routed around: refused connections are retried on the other replica.
        // (503 is the backlog's high-water mark, which a client retries; it says nothing about routing.)
        var failed = all.Where(o => o.Status is not (HttpStatusCode.Accepted or HttpStatusCode.ServiceUnavailable) && o.Phase != "sigkill").ToList();
        Assert.True(failed.Count == 0, $"Refused outside the kill: {failed.Count} of {all.Count}, first: {firstFailure}\n{stack.LogLines(StackResources.Gateway, "warn")}");
        // Requests in flight on the killed replica may fail (the client resends them); nothing else may.
        Assert.True(
            all.Count(o => o.Phase == "sigkill" && o.Status is not (HttpStatusCode.Accepted or HttpStatusCode.ServiceUnavailable)) <= 4,
            string.Join(", ", all.Where(o => o.Status != HttpStatusCode.Accepted)));

        await stack.FlushAsync(120_000);
        await using var db = stack.OpenDatabase();
        var landed = await Rows.CountAsync(db, "translation_tasks", "task_id", prefix);
        // Every 202 landed; a batch whose answer was lost in the kill may have landed too (at most the failures).
        Assert.InRange(landed, accepted, accepted + (all.Count(o => o.Status != HttpStatusCode.Accepted) * 100));
    }

    [Fact]
    public async Task A_worker_stopped_with_SIGTERM_commits_its_batch_before_it_exits()
    {
        var prefix = Records.Prefix();
        var late = Records.Prefix();
        var draining = stack.Stack.Workers[0];
        var other = stack.Stack.Workers[1];
        const int total = 20_000;
        const int lateTotal = 5_000;

        await stack.Stack.StopResourceAsync(other);
        try
        {
            await using var redis = await ConnectionMultiplexer.ConnectAsync(stack.RedisConnectionString);
            var shards = await stack.ShardsAsync(PersistenceStreams.Tasks);
            await using var db = stack.OpenDatabase();
            var tableLock = await TableLock.TakeAsync(stack, "translation_tasks");
            try
            {
                for (var batch = 0; batch < total / 5000; batch++)
                {
                    using var response = await stack.PostTasksAsync(Records.Tasks(prefix, 5000, offset: batch * 5000));
                    Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
                }

                // The worker holds a batch it cannot commit yet: the stop lands mid-work, however fast it flushes.
                while (!await HoldsEntriesAsync(redis, shards, draining))
                {
                    await Task.Delay(5);
                }

                var stopsBefore = DrainingLines(draining);
                var stopping = stack.Stack.StopResourceAsync(draining);

                // Records that arrive once it is draining are not its to read. Its flushers notice the stop at once,
                // and one caught in a read gathers for at most its batch delay (200 ms) before it holds still.
                var told = DateTime.UtcNow.AddSeconds(30);
                while (DrainingLines(draining) == stopsBefore)
                {
                    Assert.True(DateTime.UtcNow < told, $"{draining} never logged that it stopped reading.\n{stack.LogTail()}");
                    await Task.Delay(20);
                }

                await Task.Delay(500);
                using (var response = await stack.PostTasksAsync(Records.Tasks(late, lateTotal)))
                {
                    Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
                }

                await Task.Delay(1000);
                await tableLock.DisposeAsync();
                await stopping;
            }
            finally
            {
                await tableLock.DisposeAsync();
            }

            // Nothing is left pending under its name: the batch in hand was committed and acknowledged, not abandoned
            // for another worker to reclaim after the idle timeout. And it read nothing new once told to stop.
            Assert.False(await HoldsEntriesAsync(redis, shards, draining), "The stopped worker left entries pending.");
            Assert.InRange(await Rows.CountAsync(db, "translation_tasks", "task_id", prefix), 1, total);
            var lateCommitted = await Rows.CountAsync(db, "translation_tasks", "task_id", late);
            Assert.True(lateCommitted == 0, $"{lateCommitted} records posted after the stop were committed.\n{stack.LogLines(draining, "")}");
        }
        finally
        {
            await stack.Stack.StartResourceAsync(other);
            await stack.Stack.StartResourceAsync(draining);
        }

        await stack.FlushAsync(120_000);
        await using var check = stack.OpenDatabase();
        Assert.Equal(total, await Rows.CountAsync(check, "translation_tasks", "task_id", prefix));
        Assert.Equal(lateTotal, await Rows.CountAsync(check, "translation_tasks", "task_id", late));
    }

    private int DrainingLines(string worker) =>
        stack.LogLines(worker, "Stopping: no more reads from").Split('\n', StringSplitOptions.RemoveEmptyEntries).Length;

    private static async Task<bool> HoldsEntriesAsync(ConnectionMultiplexer redis, IReadOnlyList<string> shards, string consumer)
    {
        foreach (var shard in shards)
        {
            var pending = await redis.GetDatabase().StreamPendingAsync(shard, PersistenceStreams.ConsumerGroup);
            // A worker with several flushers per stream names them worker, worker#1, ...
            if (pending.Consumers.Any(c => (c.Name == consumer || c.Name.ToString().StartsWith(consumer + "#", StringComparison.Ordinal)) && c.PendingMessageCount > 0))
            {
                return true;
            }
        }

        return false;
    }
}
