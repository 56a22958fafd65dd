using StackExchange.Redis;

namespace Persistence.Contracts;

/// <summary>
/// The records of a stream accepted and not yet committed, counted exactly: a batch entry holds a whole request's
/// records for its shard, so counting entries says little, and reading them to count would cost the backlog's bytes.
/// Every script that appends a batch entry adds its <see cref="PersistenceStreams.Fields.Count"/> to this key in the
/// same call, and the worker's acknowledgement subtracts it for each entry it acknowledges first (XACK answers 1 only
/// once per entry, so a take-over never subtracts twice). Entries of the single-record format carry no count and are
/// not counted; <see cref="StreamProgress.UncommittedRecords"/> takes the larger of this and the uncommitted entries,
/// one record at least each. A drift (an entry deleted from the stream while pending) heals whenever the group holds
/// nothing uncommitted: the acknowledgement then sets the key to zero. The key shares the stream's hash slot.
/// </summary>
public static class BacklogCounter
{
    public static string Key(string stream) => stream + ":backlog";

    /// <summary>What an entry added to the counter when it was appended: its count field, or 0 for a single-record entry.</summary>
    public static long Counted(StreamEntry entry) => EntryItems.CountField(entry) ?? 0;
}
