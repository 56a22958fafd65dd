using Persistence.Contracts;
using StackExchange.Redis;

namespace Translation.Worker.Backup;

/// <summary>Puts one stream's archived entries back, and makes the flushers go over everything the stream holds.</summary>
public static class StreamRestore
{
    private const int BatchSize = 1000;

    /// <summary>
    /// Into an empty stream every entry keeps its id. Into one that already went past an id (--force), an entry still
    /// there is left alone, and one that is not is appended anew carrying its first id in arrived_as, which the
    /// flusher orders it by, so it lands in its original place and not after what came later. The stream is sealed
    /// meanwhile, so no live append can take an id the restore is about to use.
    /// </summary>
    public static async Task<(long Added, long Present)> AddEntriesAsync(IDatabase database, string stream, string path, CancellationToken cancellationToken)
    {
        var last = await database.KeyExistsAsync(stream) ? StreamId.Parse((await database.StreamInfoAsync(stream)).LastGeneratedId.ToString()) : StreamId.Zero;
        long added = 0, present = 0;
        var pending = new List<Task>(BatchSize);
        await foreach (var (id, fields) in StreamArchive.ReadAsync(path, cancellationToken))
        {
            if (id > last)
            {
                pending.Add(database.StreamAddAsync(stream, fields, id.ToString()));
                added++;
            }
            else if ((await database.StreamRangeAsync(stream, id.ToString(), id.ToString(), 1)).Length > 0)
            {
                present++;
            }
            else
            {
                var replay = stream == PersistenceStreams.DeadLetters || fields.Any(f => f.Name == PersistenceStreams.Fields.ArrivedAs)
                    ? fields
                    : [.. fields, new NameValueEntry(PersistenceStreams.Fields.ArrivedAs, id.ToString())];
                pending.Add(database.StreamAddAsync(stream, replay));
                added++;
            }

            if (pending.Count >= BatchSize)
            {
                await Task.WhenAll(pending);
                pending.Clear();
            }
        }

        await Task.WhenAll(pending);
        return (added, present);
    }

    /// <summary>
    /// Moves the consumer group back to the stream's start. An entry still in the stream may have been committed and
    /// acknowledged after the dump's snapshot; the dump has just taken its row away, and without a second delivery
    /// nothing would write it again. Delivered twice, an entry already in the dump is a no-op upsert (its row version
    /// is not newer). Entries pending under a stopped worker stay pending and are taken over as usual. Every entry is
    /// then uncommitted again, so the backlog counter is set to what they all hold.
    /// </summary>
    public static async Task RewindAsync(IDatabase database, string stream)
    {
        if (!await database.KeyExistsAsync(stream))
        {
            await database.KeyDeleteAsync(BacklogCounter.Key(stream));
            return;
        }

        // Without a group the flushers create it from the start anyway.
        if ((await database.StreamGroupInfoAsync(stream)).Any(g => g.Name == PersistenceStreams.ConsumerGroup))
        {
            await database.StreamConsumerGroupSetPositionAsync(stream, PersistenceStreams.ConsumerGroup, StreamPosition.Beginning);
        }

        var records = 0L;
        var start = "-";
        while (true)
        {
            var page = await database.StreamRangeAsync(stream, start, "+", BatchSize);
            records += page.Sum(BacklogCounter.Counted);
            if (page.Length < BatchSize)
            {
                break;
            }

            start = StreamId.Parse(page[^1].Id.ToString()).Next().ToString();
        }

        await database.StringSetAsync(BacklogCounter.Key(stream), records);
    }
}
