namespace Persistence.Contracts.Translations;

/// <summary>One page of a business id's audit trail.</summary>
/// <param name="BusinessId">The business id.</param>
/// <param name="Items">The state changes, oldest first.</param>
/// <param name="NextCursor">Pass it as the next page's cursor; null on the last page.</param>
public sealed record HistoryPage(string BusinessId, IReadOnlyList<HistoryEntry> Items, string? NextCursor);
