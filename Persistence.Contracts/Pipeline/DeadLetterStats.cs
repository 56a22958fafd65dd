namespace Persistence.Contracts.Pipeline;

/// <summary>The dead-letter stream in the pipeline's counters.</summary>
/// <param name="Stream">The stream's key.</param>
/// <param name="Length">Dead letters held.</param>
public sealed record DeadLetterStats(string Stream, long Length);
