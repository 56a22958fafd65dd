using System.Collections.Concurrent;

namespace Persistence.Contracts;

/// <summary>
/// How many requests with a body each key may have in flight in this process. The gateway holds a body in memory
/// (batches, to count them) or spools it (to retry on another replica) until its response ends; a replica buffers it
/// to validate it. So the memory a key can commit in either is bounded by this count times the largest body, not by
/// how many uploads it opens. Both bound it: with several gateway instances a key could otherwise hold that many times
/// more at one replica.
/// </summary>
public sealed class BodySlots
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
