namespace Translation.Worker.Flushing;

/// <summary>
/// The states of one key in one read: the winner is written, the superseded ones are settled by its commit (or go to
/// the dead letters with it, should MySQL reject it).
/// </summary>
public sealed class KeyStates<TRecord>(string key, FlushItem<TRecord> winner)
    where TRecord : class
{
    private List<FlushItem<TRecord>>? _superseded;

    public string Key { get; } = key;

    public FlushItem<TRecord> Winner { get; private set; } = winner;

    public IReadOnlyList<FlushItem<TRecord>> Superseded => _superseded ?? [];

    /// <summary>The winner and the states it supersedes.</summary>
    public IEnumerable<FlushItem<TRecord>> All => Superseded.Prepend(Winner);

    /// <summary>Decodes the winner in full (<see cref="FlushItem{TRecord}.Materialize"/>).</summary>
    internal void Decode(RecordTable<TRecord> table) => Winner = Winner.Materialize(table);

    /// <summary>Adds a state of this key; the one that wins by <paramref name="wins"/> becomes the winner.</summary>
    internal void Add(FlushItem<TRecord> item, bool wins)
    {
        _superseded ??= [];
        if (wins)
        {
            _superseded.Add(Winner);
            Winner = item;
        }
        else
        {
            _superseded.Add(item);
        }
    }
}
