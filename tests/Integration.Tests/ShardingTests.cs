using System.Net;
using MySqlConnector;
using Persistence.Contracts;

namespace Integration.Tests;

/// <summary>How the shared stack's layout (the default two shards) routes records.</summary>
[Collection(StackDefinition.Name)]
public sealed class ShardingTests(StackFixture stack)
{
    [Fact]
    public async Task Records_spread_over_every_shard_and_all_states_of_one_record_stay_in_one()
    {
        var prefix = Records.Prefix();
        var ids = Enumerable.Range(0, 200).Select(i => $"{prefix}-t{i}").ToList();
        foreach (var (status, second) in new[] { ("processing", 1), ("completed", 2) })
        {
            using var response = await stack.PostTasksAsync(ids.Select(id => Records.Task(id, $"{prefix}-s", status, second, status == "completed" ? "done" : null)));
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        }

        var shards = await stack.ShardsAsync(PersistenceStreams.Tasks);
        var shardsOfId = new Dictionary<string, HashSet<string>>();
        foreach (var shard in shards)
        {
            foreach (var entry in await stack.RecentEntriesAsync(shard, 2000))
            {
                var records = StreamRecords.Text(entry);
                foreach (var id in ids.Where(i => records.Contains($"\"{i}\"", StringComparison.Ordinal)))
                {
                    (shardsOfId.TryGetValue(id, out var set) ? set : shardsOfId[id] = []).Add(shard);
                }
            }
        }

        Assert.True(shards.Count >= 2, $"The shared stack runs {shards.Count} shard(s); this test needs two or more.");
        Assert.Equal(ids.Count, shardsOfId.Count);
        Assert.All(shardsOfId, pair => Assert.Single(pair.Value));
        Assert.All(shards, shard => Assert.Contains(shardsOfId.Values, set => set.Contains(shard)));

        await stack.FlushAsync();
        await using var db = stack.OpenDatabase();
        await using var command = new MySqlCommand(
            "SELECT COUNT(*) FROM translation_tasks WHERE task_id LIKE CONCAT(@prefix, '-%') AND status = 'completed'", db);
        command.Parameters.AddWithValue("@prefix", prefix);
        Assert.Equal(200L, Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture));
    }
}
