using System.Collections.Concurrent;

namespace Fault.Suite;

/// <summary>What the client was told: each record id answered 202, with the newest version accepted for it.</summary>
public sealed class Ledger
{
    private readonly ConcurrentDictionary<string, DateTime> _accepted = new(StringComparer.Ordinal);

    public int Count => _accepted.Count;

    private long _states;
    private long _refused;
    private long _failed;

    /// <summary>Attempts answered with a retryable status (503, 429, 502).</summary>
    public long RefusedAttempts => Interlocked.Read(ref _refused);

    /// <summary>Attempts that got no answer at all (connection refused or reset).</summary>
    public long FailedAttempts => Interlocked.Read(ref _failed);

    /// <summary>States answered 202, each version of an id counted.</summary>
    public long States => Interlocked.Read(ref _states);

    public void Refused() => Interlocked.Increment(ref _refused);

    public void Failed() => Interlocked.Increment(ref _failed);

    public void Accept(IEnumerable<(string Id, DateTime UpdatedAt)> records)
    {
        foreach (var (id, updatedAt) in records)
        {
            _accepted.AddOrUpdate(id, updatedAt, (_, known) => updatedAt > known ? updatedAt : known);
            Interlocked.Increment(ref _states);
        }
    }

    public IReadOnlyDictionary<string, DateTime> Snapshot() => new Dictionary<string, DateTime>(_accepted, StringComparer.Ordinal);
}
