using System.Collections.Concurrent;

namespace Persistence.Api.Callers;

/// <summary>
/// How many requests with a body each API key may have in flight at this replica. The gateway bounds a key's bodies
/// per gateway instance; with several instances a key could hold that many times more here, so the replica bounds them
/// too and its memory follows its own setting, not the number of gateways.
/// </summary>
public sealed class CallerBodySlots
{
    private readonly ConcurrentDictionary<string, Counter> _inFlight = new(StringComparer.Ordinal);

    /// <summary>A slot for <paramref name="keyId"/>, released on dispose; null when the key already holds <paramref name="max"/>.</summary>
    public IDisposable? TryTake(string keyId, int max)
    {
        var counter = _inFlight.GetOrAdd(keyId, static _ => new Counter());
        if (Interlocked.Increment(ref counter.Count) > max)
        {
            Interlocked.Decrement(ref counter.Count);
            return null;
        }

        return new Slot(counter);
    }

    /// <summary>Bodies in flight for <paramref name="keyId"/>.</summary>
    public int InFlight(string keyId) => _inFlight.TryGetValue(keyId, out var counter) ? Volatile.Read(ref counter.Count) : 0;

    private sealed class Counter
    {
        public int Count;
    }

    private sealed class Slot(Counter counter) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                Interlocked.Decrement(ref counter.Count);
            }
        }
    }
}
