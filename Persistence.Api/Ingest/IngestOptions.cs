using System.ComponentModel.DataAnnotations;

namespace Persistence.Api.Ingest;

public sealed class IngestOptions
{
    public const string SectionName = "Ingest";

    /// <summary>Records per batch request; larger batches get 413.</summary>
    [Range(1, 100_000)]
    public int MaxBatchItems { get; set; } = 5000;

    /// <summary>Request body bytes; larger bodies get 413.</summary>
    [Range(1024, 256L * 1024 * 1024)]
    public long MaxBodyBytes { get; set; } = 16 * 1024 * 1024;

    /// <summary>Serialized size of one record's <c>metadata</c> object.</summary>
    [Range(2, 16 * 1024 * 1024)]
    public int MaxMetadataBytes { get; set; } = 64 * 1024;

    /// <summary>Characters of <c>source_text</c> or <c>translated_text</c> (stored as MEDIUMTEXT).</summary>
    [Range(1, 4 * 1024 * 1024)]
    public int MaxTextLength { get; set; } = 1_000_000;

    /// <summary>
    /// How far in the future <c>updated_at</c> may lie, for clocks that run ahead. A record from further ahead would
    /// win every later update of its row (newer updated_at wins) and keep it from garbage collection for as long.
    /// </summary>
    [Range(1L, 100L * 366 * 24 * 3600)]
    public long MaxFutureSkewSeconds { get; set; } = 3600;

    /// <summary>
    /// Strict mode: before answering 202, wait until this many Redis replicas hold the batch (<c>WAIT</c>). 0 (the
    /// default) answers once the primary holds it.
    /// </summary>
    [Range(0, 16)]
    public int MinReplicaAcks { get; set; }

    /// <summary>
    /// Strict mode: before answering 202, wait until the primary has fsynced the batch to its append-only file
    /// (<c>WAITAOF 1 0</c>, Redis 7.2 or later; checked at start). With Redis older than 7.2 run it with
    /// <c>appendfsync always</c> instead, which fsyncs before every reply.
    /// </summary>
    public bool WaitForFsync { get; set; }

    /// <summary>How long strict mode waits; past it the batch is answered 503 (it may still be stored: resend).</summary>
    [Range(1, 60_000)]
    public int DurabilityTimeoutMs { get; set; } = 1000;
}
