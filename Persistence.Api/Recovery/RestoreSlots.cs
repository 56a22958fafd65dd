using Microsoft.Extensions.Options;

namespace Persistence.Api.Recovery;

/// <summary>The restores this replica runs at once: a slot is taken before the connection is opened and kept until the package is written.</summary>
public sealed class RestoreSlots(IOptions<RecoveryOptions> options) : IDisposable
{
    private readonly SemaphoreSlim _slots = new(options.Value.MaxConcurrentRestores, options.Value.MaxConcurrentRestores);

    public int Limit => options.Value.MaxConcurrentRestores;

    /// <summary>A slot to dispose when the restore ends, or null when every slot is taken.</summary>
    public IDisposable? TryTake() => _slots.Wait(0) ? new Slot(_slots) : null;

    public void Dispose() => _slots.Dispose();

    private sealed class Slot(SemaphoreSlim slots) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                slots.Release();
            }
        }
    }
}
