namespace Persistence.Contracts.Pipeline;

/// <summary>The pipeline's counters: each data stream, the dead letters, and the answering replica's backpressure.</summary>
/// <param name="Streams">Each data stream.</param>
/// <param name="DeadLetters">The dead-letter stream.</param>
/// <param name="Backpressure">The answering replica's backpressure.</param>
public sealed record PipelineStats(IReadOnlyList<StreamStats> Streams, DeadLetterStats DeadLetters, BackpressureStats Backpressure);
