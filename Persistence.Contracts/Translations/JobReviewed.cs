namespace Persistence.Contracts.Translations;

/// <summary>A reviewer's decision recorded on a translated job.</summary>
/// <param name="JobId">The job's id.</param>
/// <param name="Status">The job's status (a reviewed job stays <c>translated</c>).</param>
/// <param name="Review">The decision: <c>approved</c> or <c>rejected</c>.</param>
/// <param name="ReviewedBy">The key id that made it.</param>
/// <param name="Note">The note given with it.</param>
public sealed record JobReviewed(string JobId, string Status, string Review, string ReviewedBy, string? Note);
