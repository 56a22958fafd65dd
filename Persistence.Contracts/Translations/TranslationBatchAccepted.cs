namespace Persistence.Contracts.Translations;

/// <summary>A batch of translation requests registered.</summary>
/// <param name="Status">Always <c>accepted</c>.</param>
/// <param name="Count">Requests registered: all of the batch.</param>
/// <param name="Items">Each request's jobs, in the batch's order.</param>
public sealed record TranslationBatchAccepted(string Status, int Count, IReadOnlyList<TranslationAccepted> Items);
