using StackExchange.Redis;

namespace Translation.Worker.Flushing;

/// <summary>What one read came to: states written, states settled by a newer one's commit, and entries to leave pending.</summary>
internal sealed class FlushTally
{
    public long Applied { get; set; }

    public long Superseded { get; set; }

    /// <summary>Entries with a record neither committed nor dead-lettered (taken over, or Redis refused the dead letter).</summary>
    public HashSet<RedisValue> Unsettled { get; } = [];

    public void Add(FlushTally other)
    {
        Applied += other.Applied;
        Superseded += other.Superseded;
        Unsettled.UnionWith(other.Unsettled);
    }
}
