namespace Persistence.Client.Models;

/// <summary>What a garbage collection deleted, or would delete in a dry run.</summary>
public sealed class GarbageCollectionResult
{
    /// <summary>Whether it only counted.</summary>
    public bool DryRun { get; init; }

    /// <summary>Sessions ended and last updated before this were collected.</summary>
    public DateTimeOffset Cutoff { get; init; }

    /// <summary>Sessions deleted (or to delete).</summary>
    public long Sessions { get; init; }

    /// <summary>Tasks deleted (or to delete).</summary>
    public long Tasks { get; init; }

    /// <summary>Session batches it took.</summary>
    public int Batches { get; init; }

    /// <summary>How long it ran.</summary>
    public long DurationMs { get; init; }
}
