namespace Persistence.Contracts.Translations;

/// <summary>One page of a job list.</summary>
/// <param name="Items">The jobs.</param>
/// <param name="NextCursor">Pass it as the next page's cursor; null on the last page.</param>
public sealed record JobPage(IReadOnlyList<JobState> Items, string? NextCursor);
