using Persistence.Contracts;
using StackExchange.Redis;

namespace Translation.Worker.Flushing;

/// <summary>Drops entries every consumer has acknowledged, so the stream holds only the un-flushed backlog.</summary>
internal sealed class StreamTrimmer(string stream, IDatabase redis, ILogger logger)
{
    public async Task TrimAsync()
    {
        var group = (await redis.StreamGroupInfoAsync(stream)).FirstOrDefault(g => g.Name == PersistenceStreams.ConsumerGroup);
        if (group.Name is null || !StreamId.TryParse(group.LastDeliveredId, out var delivered))
        {
            return;
        }

        // Below the oldest entry still pending, and never past what the group has been delivered.
        var keepFrom = delivered.Next();
        if (group.PendingMessageCount > 0)
        {
            var pending = await redis.StreamPendingAsync(stream, PersistenceStreams.ConsumerGroup);
            if (StreamId.TryParse(pending.LowestPendingMessageId, out var lowest) && lowest < keepFrom)
            {
                keepFrom = lowest;
            }
        }

        var removed = await redis.StreamTrimByMinIdAsync(stream, keepFrom.ToString());
        if (removed > 0)
        {
            Log.Trimmed(logger, stream, removed, keepFrom.ToString());
        }
    }
}
