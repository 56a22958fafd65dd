using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace Persistence.Api.Recovery;

/// <summary>
/// The restores this replica runs at once: a slot is taken once the read is ready to start (after any consistency
/// wait) and kept until the package is written. Each API key holds at most its share
/// (<see cref="RecoveryOptions.MaxRestoresPerKey"/>), so one caller's slow reads cannot hold every slot.
/// </summary>
public sealed class RestoreSlots(IOptions<RecoveryOptions> options) : IDisposable
{
    private readonly SemaphoreSlim _slots = new(options.Value.MaxConcurrentRestores, options.Value.MaxConcurrentRestores);
    private readonly ConcurrentDictionary<string, int> _perKey = new(StringComparer.Ordinal);

    public int Limit => options.Value.MaxConcurrentRestores;

    public int PerKeyLimit => Math.Min(options.Value.MaxRestoresPerKey, Limit);

    /// <summary>
    /// A slot to dispose when the restore ends, or null when <paramref name="keyId"/> holds its share already or every
    /// slot is taken (<paramref name="keyShareFull"/> says which). Calls without a key id share one share.
    /// </summary>
    public IDisposable? TryTake(string? keyId, out bool keyShareFull)
    {
        var key = keyId ?? "";
        keyShareFull = false;
        while (true)
        {
            var held = _perKey.GetOrAdd(key, 0);
            if (held >= PerKeyLimit)
            {
                keyShareFull = true;
                return null;
            }

            if (_perKey.TryUpdate(key, held + 1, held))
            {
                break;
            }
        }

        if (_slots.Wait(0))
        {
            return new Slot(this, key);
        }

        Release(key);
        return null;
    }

    public void Dispose() => _slots.Dispose();

    private void Release(string key) => _perKey.AddOrUpdate(key, 0, (_, held) => Math.Max(0, held - 1));

    private sealed class Slot(RestoreSlots owner, string key) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                owner._slots.Release();
                owner.Release(key);
            }
        }
    }
}
