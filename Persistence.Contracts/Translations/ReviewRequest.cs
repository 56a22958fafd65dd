namespace Persistence.Contracts.Translations;

/// <summary>The optional body of an approval or a rejection.</summary>
/// <param name="Note">The reviewer's note, recorded with the decision.</param>
public sealed record ReviewRequest(string? Note);
