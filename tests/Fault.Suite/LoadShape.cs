namespace Fault.Suite;

/// <summary>What the load's records look like to the flush path.</summary>
public enum LoadShape
{
    /// <summary>Tasks through the seeds' lifecycle, one status per batch: several states of a key in one read, coalesced.</summary>
    Lifecycle,

    /// <summary>New tasks and newer versions of random earlier ones: updates long after the row was written.</summary>
    Mixed,
}
