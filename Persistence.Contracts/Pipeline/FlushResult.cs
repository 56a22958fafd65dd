namespace Persistence.Contracts.Pipeline;

/// <summary>The flush barrier passed: every record accepted before the call is committed to MySQL or dead-lettered.</summary>
/// <param name="Status">Always <c>flushed</c>.</param>
/// <param name="WaitedMs">How long the server waited.</param>
/// <param name="Streams">Per stream, the target id and where the workers were.</param>
/// <param name="DeadLettered">
/// Records set aside as dead letters while the flush waited: the barrier counts them as done, though they are not in
/// the database.
/// </param>
/// <param name="DeadLettersStored">Every dead letter waiting for an operator (replay or delete), whenever it was set aside.</param>
public sealed record FlushResult(
    string Status, long WaitedMs, IReadOnlyDictionary<string, FlushStreamState> Streams, long DeadLettered, long DeadLettersStored);
