namespace Persistence.Contracts.Queries;

/// <summary>
/// A session's task rows by status. <c>progress</c> is the finished share (completed, failed or cancelled) of the
/// larger of the rows stored and the session's own <c>total_tasks</c>, since tasks not yet reported have no row.
/// </summary>
/// <param name="Total">Task rows stored.</param>
/// <param name="ByStatus">Rows per status.</param>
/// <param name="Finished">Rows completed, failed or cancelled.</param>
/// <param name="Progress">The finished share, 0 to 1.</param>
public sealed record TaskStatistics(long Total, IReadOnlyDictionary<string, long> ByStatus, long Finished, double Progress);
