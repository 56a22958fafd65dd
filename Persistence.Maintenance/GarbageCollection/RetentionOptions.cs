using System.ComponentModel.DataAnnotations;

namespace Persistence.Maintenance.GarbageCollection;

public sealed class RetentionOptions
{
    public const string SectionName = "GarbageCollection";

    /// <summary>Ended sessions (completed, failed, cancelled) last updated longer ago than this are deleted with their tasks.</summary>
    [Range(1, 36_500)]
    public int RetentionDays { get; set; } = 90;

    /// <summary>Sessions removed per transaction.</summary>
    [Range(1, 100_000)]
    public int SessionsPerBatch { get; set; } = 1000;

    /// <summary>Task rows removed per statement; each statement commits on its own so no transaction grows large.</summary>
    [Range(1, 1_000_000)]
    public int TasksPerChunk { get; set; } = 5000;
}
