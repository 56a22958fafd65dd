using System.Text.Json.Serialization;

namespace Persistence.Contracts.GarbageCollection;

/// <summary>What a garbage collection deleted, or would delete in a dry run.</summary>
/// <param name="DryRun">Whether it only counted.</param>
/// <param name="Cutoff">Sessions ended and last updated before this were collected.</param>
/// <param name="Sessions">Sessions deleted (or to delete).</param>
/// <param name="Tasks">Tasks deleted (or to delete).</param>
/// <param name="Batches">Session batches it took.</param>
/// <param name="DurationMs">How long it ran.</param>
/// <param name="JobEvents">Translation audit rows older than the cutoff, deleted (or to delete).</param>
public sealed record GarbageCollectionResult(
    bool DryRun,
    [property: JsonConverter(typeof(Rfc3339TimestampConverter))] DateTimeOffset Cutoff,
    long Sessions,
    long Tasks,
    int Batches,
    long DurationMs,
    long JobEvents);
