namespace Persistence.Contracts.Translations;

/// <summary>A reviewer's decision on a job.</summary>
/// <param name="Status"><c>approved</c> or <c>rejected</c>.</param>
/// <param name="ReviewedBy">The key id of the reviewer.</param>
/// <param name="ReviewedAt">When the decision was made.</param>
/// <param name="Note">The reviewer's note.</param>
public sealed record JobReview(string Status, string? ReviewedBy, DateTimeOffset? ReviewedAt, string? Note);
