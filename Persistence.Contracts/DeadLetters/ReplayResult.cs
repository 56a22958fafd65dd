namespace Persistence.Contracts.DeadLetters;

/// <summary>What a replay moved back to its source stream.</summary>
/// <param name="Status">Always <c>replayed</c>.</param>
/// <param name="Replayed">Dead letters replayed.</param>
/// <param name="Skipped">Dead letters skipped.</param>
public sealed record ReplayResult(string Status, long Replayed, long Skipped);
