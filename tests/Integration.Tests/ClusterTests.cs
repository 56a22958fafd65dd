using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Gateway.ApiKeys;
using MySqlConnector;
using Persistence.Contracts;
using StackExchange.Redis;
using Translation.Worker.Backup;

namespace Integration.Tests;

/// <summary>
/// The stack on a three-master Redis Cluster, unchanged otherwise: the pipeline's core guarantees, the rate limits,
/// backpressure, backups and a worker's crash, with the services reaching the cluster through the one connection
/// string AppHost gives them. The checks hold wherever the keys sit, on one master or spread over all three.
/// </summary>
[Collection(ClusterStackDefinition.Name)]
public sealed class ClusterTests(ClusterStackFixture stack)
{
    [Fact]
    public async Task The_stack_runs_three_masters_that_between_them_serve_every_one_of_the_16384_slots()
    {
        await using var redis = await ConnectionMultiplexer.ConnectAsync(stack.RedisConnectionString);
        var servers = redis.GetServers();

        Assert.Equal(ClusterStackFixture.Masters, servers.Length);
        foreach (var server in servers)
        {
            Assert.Equal(ServerType.Cluster, server.ServerType);
            Assert.False(server.IsReplica, $"{server.EndPoint} is a replica.");
            var info = (string?)await server.ExecuteAsync("CLUSTER", "INFO") ?? "";
            Assert.Contains("cluster_state:ok", info, StringComparison.Ordinal);
            Assert.Contains($"cluster_known_nodes:{ClusterStackFixture.Masters}\r", info, StringComparison.Ordinal);
            Assert.Contains("cluster_slots_assigned:16384\r", info, StringComparison.Ordinal);
        }

        var masters = servers[0].ClusterConfiguration!.Nodes.Where(n => !n.IsReplica).ToList();
        Assert.Equal(ClusterStackFixture.Masters, masters.Count);
        Assert.All(masters, m => Assert.NotEmpty(m.Slots));
        // Every slot once: none missing, none claimed by two masters.
        var slots = masters.SelectMany(m => m.Slots).SelectMany(r => Enumerable.Range(r.From, r.To - r.From + 1)).Order();
        Assert.Equal(Enumerable.Range(0, 16384), slots);

        // Each master is a process of its own, listed (and shown on the dashboard) under its own name.
        var pids = Enumerable.Range(0, ClusterStackFixture.Masters).Select(i => stack.Stack.ProcessId(StackResources.RedisNode(i))).ToList();
        Assert.All(pids, pid => Assert.NotNull(pid));
        Assert.Equal(ClusterStackFixture.Masters, pids.Distinct().Count());
    }

    [Fact]
    public async Task The_shards_spread_over_every_master_and_each_master_takes_entries()
    {
        var prefix = Records.Prefix();
        using (var response = await stack.PostTasksAsync(Records.Tasks(prefix, 400)))
        {
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        }

        await using var redis = await ConnectionMultiplexer.ConnectAsync(stack.RedisConnectionString);
        var configuration = redis.GetServers()[0].ClusterConfiguration!;
        var shards = await stack.ShardsAsync(PersistenceStreams.Tasks);
        var owners = new Dictionary<string, long>();
        foreach (var shard in shards)
        {
            var owner = configuration.GetBySlot(redis.HashSlot(shard))!.EndPoint!.ToString()!;
            owners[owner] = owners.GetValueOrDefault(owner) + await stack.EntriesAddedAsync(shard);
        }

        Assert.Equal(4, shards.Count);
        Assert.Equal(ClusterStackFixture.Masters, owners.Count);
        Assert.All(owners, pair => Assert.True(pair.Value > 0, $"The shards on {pair.Key} took no entries."));
        await stack.FlushAsync();
    }

    [Fact]
    public async Task Sessions_and_tasks_accepted_through_the_gateway_reach_MySQL_at_their_newest_state_behind_the_flush_barrier_and_queries_read_them()
    {
        var prefix = Records.Prefix();
        var sessions = Enumerable.Range(0, 10).Select(i => $"{prefix}-s{i}").ToList();
        // Sessions arrive newest first (the older state later must not win); tasks oldest first (the newer must win).
        await Reads.AcceptedAsync(stack.PostSessionsAsync(sessions.Select(id => Records.Session(id, "completed", secondsAfterCreation: 60))));
        await Reads.AcceptedAsync(stack.PostTasksAsync(Records.Tasks(prefix, 1000)));
        await stack.FlushAsync();
        await Reads.AcceptedAsync(stack.PostSessionsAsync(sessions.Select(id => Records.Session(id, "processing", secondsAfterCreation: 30))));
        await Reads.AcceptedAsync(stack.PostTasksAsync(CompletedTasks(prefix, 0, 1000)));
        await stack.FlushAsync();

        // No waiting after the barrier: everything must already be there.
        await using var db = stack.OpenDatabase();
        Assert.Equal(new Dictionary<string, long> { ["completed"] = 1000 }, await StatusesAsync(db, "translation_tasks", "task_id", prefix));
        Assert.Equal(new Dictionary<string, long> { ["completed"] = 10 }, await StatusesAsync(db, "translation_sessions", "session_id", prefix));

        var session = await stack.GetJsonAsync($"{Reads.Sessions}/{sessions[3]}?consistency=strong");
        Assert.Equal("completed", session.GetProperty("status").GetString());
        Assert.Equal(100, session.GetProperty("tasks").GetProperty("by_status").GetProperty("completed").GetInt64());
        var task = await stack.GetJsonAsync($"{ApiRoutes.Translation.Tasks}/{prefix}-t123");
        Assert.Equal("completed", task.GetProperty("status").GetString());
        Assert.Equal("done", task.GetProperty("translated_text").GetString());
    }

    [Fact]
    public async Task A_key_over_its_record_limit_is_refused_by_buckets_kept_on_the_cluster_rather_than_let_through()
    {
        var prefix = Records.Prefix();
        var id = $"cluster-limit-{prefix}";
        var key = await new ApiKeyFile(stack).AddAsync(id, [Scopes.Ingest], records: (PerSecond: 0.01, Burst: 10));
        using var client = stack.CreateClient(key);

        var statuses = new List<HttpStatusCode>();
        for (var batch = 0; batch < 3; batch++)
        {
            using var response = await client.PostAsJsonAsync(ApiRoutes.Persistence.TasksBatch, new { tasks = Records.Tasks(prefix, 4, offset: batch * 4) });
            statuses.Add(response.StatusCode);
        }

        // 4 + 4 records fit the burst of 10, the third batch does not. A limiter that could not run its script on the
        // cluster fails open and would have let all three through.
        Assert.Equal([HttpStatusCode.Accepted, HttpStatusCode.Accepted, HttpStatusCode.TooManyRequests], statuses);
        await using var redis = await ConnectionMultiplexer.ConnectAsync(stack.RedisConnectionString);
        Assert.True(await redis.GetDatabase().KeyExistsAsync($"gateway:ratelimit:{{key:{id}}}:records"), "The key's record bucket is not in the cluster.");
    }

    [Fact]
    public async Task Ingest_sheds_load_when_any_master_nears_its_maxmemory_whether_or_not_it_holds_the_streams()
    {
        await using var redis = await ConnectionMultiplexer.ConnectAsync(stack.RedisConnectionString);
        // Each master in turn, the one holding the streams among them: whichever fills up refuses its slots' writes.
        foreach (var master in redis.GetServers().Where(s => !s.IsReplica))
        {
            var configured = (await master.ConfigGetAsync("maxmemory")).Single().Value;
            var used = long.Parse((await master.InfoAsync("memory")).SelectMany(g => g).Single(p => p.Key == "used_memory").Value, CultureInfo.InvariantCulture);
            try
            {
                // About 95 % full, past the 85 % high-water mark, with room left so its own writes still succeed.
                await master.ConfigSetAsync("maxmemory", used * 100 / 95);
                var (shedding, figures) = await BackpressureAsync(shedding: true);
                Assert.True(shedding, $"Still taking batches with {master.EndPoint} 95 % full: {figures}");
                Assert.True(figures.GetProperty("redis_memory_ratio").GetDouble() >= 0.85, figures.ToString());
                using var refused = await stack.PostTasksAsync(Records.Tasks(Records.Prefix(), 10));
                Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
            }
            finally
            {
                await master.ConfigSetAsync("maxmemory", configured);
            }

            var (open, after) = await BackpressureAsync(shedding: false);
            Assert.True(open, $"Still shedding after {master.EndPoint} had room again: {after}");
        }
    }

    [Fact]
    public async Task A_backup_copies_every_stream_from_the_master_that_holds_it_and_records_the_masters_version()
    {
        await Reads.AcceptedAsync(stack.PostTasksAsync(Records.Tasks(Records.Prefix(), 50)));
        await stack.FlushAsync();
        var directory = Path.Combine(Path.GetTempPath(), "persistence-cluster-backup-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            var (exitCode, output) = await stack.RunWorkerCommandAsync("backup", "--to", directory, $"--ConnectionStrings:{StackResources.Redis}={stack.RedisConnectionString}");
            Assert.True(exitCode == 0, output);

            using var manifest = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(directory, BackupManifest.FileName)));
            await using var redis = await ConnectionMultiplexer.ConnectAsync(stack.RedisConnectionString);
            Assert.Equal(redis.GetServers()[0].Version.ToString(), manifest.RootElement.GetProperty("redis_server_version").GetString());
            var files = manifest.RootElement.GetProperty("files").EnumerateArray().Where(f => f.TryGetProperty("stream", out var s) && s.ValueKind == JsonValueKind.String)
                .ToDictionary(f => f.GetProperty("stream").GetString()!, f => f.GetProperty("entries").GetInt64());
            var layout = await StreamLayout.ReadAsync(redis.GetDatabase(), StreamShards.DefaultCount);
            foreach (var stream in StreamArchive.Streams(layout))
            {
                // Nothing trims or appends meanwhile: the copy holds exactly what the stream does.
                Assert.Equal(await redis.GetDatabase().StreamLengthAsync(stream), files[stream]);
            }

            // One entry per request and shard: the 50 tasks are one entry in each shard they hash to.
            var tasks = layout.Active.Of(PersistenceStreams.Tasks).Sum(shard => files[shard]);
            Assert.True(tasks >= 1, $"{tasks} task entries backed up.");
        }
        finally
        {
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
    }

    [Fact]
    public async Task A_worker_killed_mid_load_has_everything_committed_by_a_successor_none_missing_none_extra_each_at_its_newest_state()
    {
        const int Batch = 1000;
        var prefix = Records.Prefix();
        await using var redis = await ConnectionMultiplexer.ConnectAsync(stack.RedisConnectionString);
        var database = redis.GetDatabase();
        var shards = await stack.ShardsAsync(PersistenceStreams.Tasks);
        var firstStates = 0;
        // The victim is a worker caught holding entries: only a shard's reader-lease holder reads new ones, so which
        // worker that is depends on who took the leases first.
        string? victim = null;
        while (victim is null)
        {
            Assert.True(firstStates < 200 * Batch, $"No worker held an entry while {firstStates} records were posted.");
            await Reads.AcceptedAsync(stack.PostTasksAsync(Records.Tasks(prefix, Batch, offset: firstStates)));
            firstStates += Batch;
            foreach (var worker in stack.Stack.Workers)
            {
                if (await HeldAsync(database, shards, worker) > 0)
                {
                    victim = worker;
                    break;
                }
            }
        }

        await stack.Stack.KillAsync(victim);
        try
        {
            // The load goes on: newer states of everything posted so far, and records never seen before.
            for (var offset = 0; offset < firstStates; offset += Batch)
            {
                await Reads.AcceptedAsync(stack.PostTasksAsync(CompletedTasks(prefix, offset, Batch)));
            }

            await Reads.AcceptedAsync(stack.PostTasksAsync(Records.Tasks(prefix, 2 * Batch, offset: firstStates)));

            // The barrier waits for the dead worker's entries too: whoever takes them over (the other worker, or the
            // victim once AppHost has restarted it) must commit them.
            await stack.FlushAsync(timeoutMs: 120_000);
            await using var db = stack.OpenDatabase();
            Assert.Equal(
                new Dictionary<string, long> { ["completed"] = firstStates, ["pending"] = 2 * Batch },
                await StatusesAsync(db, "translation_tasks", "task_id", prefix));
            Assert.Equal(0, await StaleAsync(db, prefix));
        }
        finally
        {
            await stack.Stack.WaitHealthyAgainAsync(victim, TimeSpan.FromSeconds(120));
        }
    }

    private static IEnumerable<Dictionary<string, object?>> CompletedTasks(string prefix, int offset, int count) =>
        Enumerable.Range(offset, count).Select(i => Records.Task($"{prefix}-t{i}", $"{prefix}-s{i / 100}", "completed", secondsAfterCreation: 60, translated: "done"));

    private static async Task<long> HeldAsync(IDatabase database, IReadOnlyList<string> shards, string consumer)
    {
        long held = 0;
        foreach (var shard in shards)
        {
            try
            {
                held += (await database.StreamPendingMessagesAsync(shard, PersistenceStreams.ConsumerGroup, 1, consumer)).Length;
            }
            catch (RedisServerException ex) when (ex.Message.StartsWith("NOGROUP", StringComparison.Ordinal))
            {
                // No record has reached this shard yet, so no flusher has made its group either.
            }
        }

        return held;
    }

    /// <summary>Rows of one test per status: nothing missing, nothing extra, and which state each row kept.</summary>
    private static async Task<Dictionary<string, long>> StatusesAsync(MySqlConnection db, string table, string key, string prefix)
    {
        await using var command = new MySqlCommand($"SELECT status, COUNT(*) FROM {table} WHERE {key} LIKE CONCAT(@prefix, '-%') GROUP BY status", db);
        command.Parameters.AddWithValue("@prefix", prefix);
        var statuses = new Dictionary<string, long>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            statuses[reader.GetString(0)] = reader.GetInt64(1);
        }

        return statuses;
    }

    /// <summary>Completed rows whose content is not that of their newest state (a state from two versions mixed).</summary>
    private static async Task<long> StaleAsync(MySqlConnection db, string prefix)
    {
        await using var command = new MySqlCommand(
            "SELECT COUNT(*) FROM translation_tasks WHERE task_id LIKE CONCAT(@prefix, '-%') AND status = 'completed' AND (translated_text <> 'done' OR updated_at <> @newest)", db);
        command.Parameters.AddWithValue("@prefix", prefix);
        command.Parameters.AddWithValue("@newest", Records.Created.AddSeconds(60).UtcDateTime);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// Whether every replica comes to show <paramref name="shedding"/> within 15 s, and the last figures seen. Each stats
    /// call reaches one of the two replicas, which measure on their own, so several calls in a row must agree.
    /// </summary>
    private async Task<(bool AllAgree, JsonElement Last)> BackpressureAsync(bool shedding)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            var pressures = new List<JsonElement>();
            for (var i = 0; i < 4; i++)
            {
                pressures.Add((await stack.GetJsonAsync(ApiRoutes.Persistence.Stats)).GetProperty("backpressure"));
            }

            var agree = pressures.All(p => p.GetProperty("shedding").GetBoolean() == shedding);
            if (agree || DateTime.UtcNow > deadline)
            {
                return (agree, pressures[^1]);
            }

            await Task.Delay(200);
        }
    }
}
