namespace Translation.Worker.Flushing;

/// <summary>
/// Keeps one state per key of what a flusher read. The winner is the state the version guard in SQL would leave in
/// the row had every state been written: the highest row version (updated_at, then arrival), and between states of
/// one entry the later item. An insert-only table keeps the first row ever written, so there the earliest wins. The
/// guard stays in the statement: a state read by another consumer, or already stored, is still never regressed.
/// </summary>
public static class Coalescer
{
    public static List<KeyStates<TRecord>> Coalesce<TRecord>(IReadOnlyList<FlushItem<TRecord>> items, RecordTable<TRecord> table)
        where TRecord : class
    {
        var byKey = new Dictionary<string, KeyStates<TRecord>>(items.Count, StringComparer.Ordinal);
        foreach (var item in items)
        {
            var key = item.Key!;
            if (!byKey.TryGetValue(key, out var states))
            {
                byKey.Add(key, new KeyStates<TRecord>(key, item));
                continue;
            }

            var newer = IsNewer(item, states.Winner);
            states.Add(item, table.InsertOnly ? !newer : newer);
        }

        return [.. byKey.Values];
    }

    /// <summary>True when <paramref name="a"/> is the later state: by row version as SQL compares it, then by place in the stream.</summary>
    public static bool IsNewer<TRecord>(FlushItem<TRecord> a, FlushItem<TRecord> b)
        where TRecord : class
    {
        var byVersion = a.RowVersion.AsSpan().SequenceCompareTo(b.RowVersion);
        if (byVersion != 0)
        {
            return byVersion > 0;
        }

        var byEntry = a.Id.CompareTo(b.Id);
        return byEntry != 0 ? byEntry > 0 : a.Index > b.Index;
    }
}
