namespace Persistence.Contracts;

/// <summary>
/// The statuses of the back ends' sessions and tasks, as they send them, as MySQL stores them and as the reads filter
/// by them. The lists keep one order, the one documents and problems show.
/// </summary>
public static class RecordStatus
{
    public const string Pending = "pending";
    public const string Processing = "processing";

    /// <summary>Sessions only.</summary>
    public const string Paused = "paused";

    public const string Completed = "completed";
    public const string Failed = "failed";
    public const string Cancelled = "cancelled";

    public static IReadOnlyList<string> OfSessions { get; } = [Pending, Processing, Paused, Completed, Failed, Cancelled];

    public static IReadOnlyList<string> OfTasks { get; } = [Pending, Processing, Completed, Failed, Cancelled];

    /// <summary>After these a session or a task never changes again: garbage collection may take it, and a session counts it done.</summary>
    public static IReadOnlyList<string> Ended { get; } = [Completed, Failed, Cancelled];

    /// <summary>The sessions recovery hands back.</summary>
    public static IReadOnlyList<string> UnfinishedSessions { get; } = [Pending, Processing, Paused];

    /// <summary>The tasks of a session that still have work to do, which a restore package carries.</summary>
    public static IReadOnlyList<string> UnfinishedTasks { get; } = [Pending, Processing];
}
