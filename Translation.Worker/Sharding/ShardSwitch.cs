using Persistence.Contracts;
using StackExchange.Redis;

namespace Translation.Worker.Sharding;

/// <summary>
/// Changes the shard count on a running system, drain-then-switch: (1) record the switch, which every API replica
/// sees within one poll and answers sessions and tasks with 503 and Retry-After; (2) seal the old shards, so a
/// replica that has not polled yet cannot append to them either; (3) wait until the workers have committed every
/// entry of the old shards; (4) make the new layout active. A record's old states are therefore all in MySQL
/// before any new one reaches its new shard, and nothing accepted is left where no flusher reads. Ingest of
/// sessions and tasks pauses for the drain; translation requests are not affected. Interrupted, the switch stays
/// recorded: run it again to finish, or switch to the active count to abort.
/// </summary>
public sealed class ShardSwitch(IConnectionMultiplexer redis, TimeProvider time)
{
    private static readonly TimeSpan DrainPoll = TimeSpan.FromMilliseconds(200);

    public async Task<StreamLayout> RunAsync(int shards, TimeSpan timeout, Action<string> report, CancellationToken cancellationToken)
    {
        var database = redis.GetDatabase();
        // Never seeded with the target: streams already there would be left where no flusher reads.
        var layout = await StreamLayout.ReadAsync(database, StreamShards.DefaultCount);
        var target = new StreamShards(shards);
        if (layout.Active.Count == shards)
        {
            if (layout.Switching)
            {
                // Abort: nothing went to the next layout's shards, since every append was refused meanwhile.
                await SetSealsAsync(database, layout.Active.All, sealed_: false);
                await StreamLayout.CompleteSwitchAsync(database, target);
                report($"Switch to {layout.Next!.Count} shards aborted; {shards} shards stay active.");
            }
            else
            {
                report($"{shards} shards are already active.");
            }

            return await StreamLayout.ReadAsync(database, StreamShards.DefaultCount);
        }

        if (layout.Next is { } next && next.Count != shards)
        {
            throw new InvalidOperationException($"A switch to {next.Count} shards is under way; finish it (reshard --to {next.Count}) or abort it (reshard --to {layout.Active.Count}) first.");
        }

        // The new shards may have been an old layout once, and sealed then.
        await SetSealsAsync(database, target.All, sealed_: false);
        await StreamLayout.BeginSwitchAsync(database, shards);
        await SetSealsAsync(database, layout.Active.All, sealed_: true);
        report($"Switching from {layout.Active.Count} to {shards} shards: sessions and tasks are refused (503) until the old shards are drained.");

        var started = time.GetTimestamp();
        while (true)
        {
            var progress = await StreamProgress.ReadAllAsync(database, layout.Active.All);
            var remaining = progress.Where(p => !p.HasCommittedThrough(p.LastGeneratedId)).Sum(p => Math.Max(1, p.Uncommitted));
            if (remaining == 0)
            {
                break;
            }

            if (time.GetElapsedTime(started) > timeout)
            {
                throw new TimeoutException($"After {timeout.TotalSeconds:F0} s about {remaining} entries of the old shards are not committed (are the workers running?). The switch stays recorded: run the command again to go on.");
            }

            await Task.Delay(DrainPoll, time, cancellationToken);
        }

        await StreamLayout.CompleteSwitchAsync(database, target);
        report($"{shards} shards are active after a drain of {time.GetElapsedTime(started).TotalMilliseconds:F0} ms.");
        return await StreamLayout.ReadAsync(database, StreamShards.DefaultCount);
    }

    private static async Task SetSealsAsync(IDatabaseAsync database, IEnumerable<string> streams, bool sealed_) =>
        _ = await Task.WhenAll(streams.Select(s => sealed_
            ? database.StringSetAsync(StreamShards.SealKey(s), "1")
            : database.KeyDeleteAsync(StreamShards.SealKey(s))));
}
