namespace Persistence.Contracts.Ingest;

/// <summary>The answer to a sessions or tasks batch: 202, once Redis holds every record of it.</summary>
/// <param name="Status">Always <c>accepted</c>.</param>
/// <param name="Count">Records accepted: all of the batch.</param>
public sealed record AcceptedBatch(string Status, int Count);
