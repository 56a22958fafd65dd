using Translation.Worker.Backup;

namespace Translation.Worker.Tests;

public sealed class StreamArchiveTests
{
    [Fact]
    public void A_stream_under_the_shared_hash_tag_is_archived_under_its_own_name()
    {
        Assert.Equal(Path.Combine("streams", "sessions.jsonl"), StreamArchive.FileName("{persistence}:sessions"));
        Assert.Equal(Path.Combine("streams", "dead-letters.jsonl"), StreamArchive.FileName("{persistence}:dead-letters"));
    }

    [Fact]
    public void The_shards_of_one_stream_each_get_a_file_and_no_two_streams_share_one()
    {
        string[] streams =
        [
            "{persistence:s0of4}:tasks", "{persistence:s1of4}:tasks", "{persistence:s0of4}:sessions", "{persistence}:tasks", "{persistence:s0of8}:tasks",
        ];

        var files = streams.Select(StreamArchive.FileName).ToList();

        Assert.Equal(Path.Combine("streams", "tasks.s0of4.jsonl"), files[0]);
        Assert.Equal(streams.Length, files.Distinct().Count());
        Assert.All(files, f => Assert.Matches(@"^streams/[A-Za-z0-9._-]+\.jsonl$", f));
    }
}
