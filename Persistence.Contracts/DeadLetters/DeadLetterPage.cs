namespace Persistence.Contracts.DeadLetters;

/// <summary>One page of the dead-letter list.</summary>
/// <param name="Items">The dead letters.</param>
/// <param name="NextCursor">Pass it as the next page's cursor; null on the last page.</param>
public sealed record DeadLetterPage(IReadOnlyList<DeadLetter> Items, string? NextCursor);
