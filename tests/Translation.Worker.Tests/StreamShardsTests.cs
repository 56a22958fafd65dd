using Persistence.Contracts;

namespace Translation.Worker.Tests;

public sealed class StreamShardsTests
{
    [Fact]
    public void One_shard_keeps_the_stream_names_a_deployment_before_shards_used()
    {
        var shards = new StreamShards(1);

        Assert.Equal([PersistenceStreams.Tasks], shards.Of(PersistenceStreams.Tasks));
        Assert.Equal(PersistenceStreams.Sessions, shards.For(PersistenceStreams.Sessions, "any"));
    }

    [Fact]
    public void Each_shard_has_a_hash_tag_of_its_own_that_names_its_layout()
    {
        var shards = new StreamShards(4);

        Assert.Equal(
            ["{persistence:s0of4}:tasks", "{persistence:s1of4}:tasks", "{persistence:s2of4}:tasks", "{persistence:s3of4}:tasks"],
            shards.Of(PersistenceStreams.Tasks));
        Assert.Equal("{persistence:s2of4}:sessions", shards.Of(PersistenceStreams.Sessions)[2]);
    }

    [Fact]
    public void Routing_is_the_specified_xxhash3_so_every_process_and_release_agrees()
    {
        // Golden values: a change here strands records in shards no flusher of the new code expects them in.
        Assert.Equal(
            [0, 2, 1, 2, 1],
            new[] { "task-1", "task-2", "task-3", "session-42", "x" }.Select(id => StreamShards.IndexOf(id, 4)));
    }

    [Fact]
    public void Every_id_maps_to_one_shard_of_the_layout_and_ids_spread_over_all_of_them()
    {
        var counts = new int[8];
        for (var i = 0; i < 8000; i++)
        {
            var index = StreamShards.IndexOf($"task-{i}", 8);
            Assert.InRange(index, 0, 7);
            Assert.Equal(index, StreamShards.IndexOf($"task-{i}", 8));
            counts[index]++;
        }

        Assert.All(counts, c => Assert.InRange(c, 800, 1200));
    }

    [Theory]
    [InlineData("{persistence:s3of8}:tasks", PersistenceStreams.Tasks)]
    [InlineData("{persistence}:sessions", PersistenceStreams.Sessions)]
    [InlineData("{persistence:s0of2}:sessions", PersistenceStreams.Sessions)]
    [InlineData("{persistence}:translation-jobs", PersistenceStreams.TranslationJobs)]
    [InlineData("{persistence}:dead-letters", null)]
    [InlineData("{other:s0of2}:tasks", null)]
    public void A_shard_name_leads_back_to_its_stream(string shard, string? stream) => Assert.Equal(stream, StreamShards.StreamOf(shard));

    [Fact]
    public void Two_reads_of_one_layout_are_equal_and_a_switch_is_another_layout()
    {
        var active = new StreamLayout(new StreamShards(2), null);

        Assert.Equal(active, new StreamLayout(new StreamShards(2), null));
        Assert.Equal(active.GetHashCode(), new StreamLayout(new StreamShards(2), null).GetHashCode());
        Assert.NotEqual(active, new StreamLayout(new StreamShards(2), new StreamShards(4)));
        Assert.NotEqual(active, new StreamLayout(new StreamShards(4), null));
    }

    [Fact]
    public void A_switching_layout_names_both_layouts_shards_so_the_old_ones_drain()
    {
        var layout = new StreamLayout(new StreamShards(2), new StreamShards(4));

        Assert.Equal(2 + 2 + 4 + 4 + 2, layout.DataStreams.Count);
        Assert.Contains("{persistence:s1of2}:tasks", layout.DataStreams);
        Assert.Contains("{persistence:s3of4}:sessions", layout.DataStreams);
        Assert.Contains(PersistenceStreams.TranslationJobs, layout.DataStreams);
    }
}
