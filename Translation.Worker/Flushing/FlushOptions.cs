using System.ComponentModel.DataAnnotations;

namespace Translation.Worker.Flushing;

public sealed class FlushOptions
{
    public const string SectionName = "Flush";

    /// <summary>
    /// This instance's consumer name in the group. A stable name (one per replica slot) lets a restarted worker
    /// resume its own pending entries at once instead of waiting for <see cref="ClaimIdleTimeMs"/>.
    /// </summary>
    [Required]
    [StringLength(200, MinimumLength = 1)]
    public string ConsumerName { get; set; } = $"{Environment.MachineName}-{Environment.ProcessId}";

    /// <summary>
    /// Flushers per stream in this process, each a consumer of its own (named <see cref="ConsumerName"/>, then
    /// <c>ConsumerName#1</c>, …). Only the holder of a shard's reader lease reads its new entries, so the states of
    /// one key are never split between flushers (docs/coalescing.md); the others stand by, resume their own pending
    /// entries and take over those of dead or stuck consumers. Parallel writes come from <see cref="WriteLanes"/>.
    /// </summary>
    [Range(1, 16)]
    public int FlushersPerStream { get; set; } = DefaultFlushersPerStream;

    public const int DefaultFlushersPerStream = 2;

    /// <summary>Records a read gathers while the flusher keeps up; the read window starts here.</summary>
    [Range(1, 50_000)]
    public int BatchSize { get; set; } = 1000;

    /// <summary>
    /// The largest read window. While the flusher is behind (a read came back full) the window doubles up to this,
    /// so the backlog itself becomes the coalescing window: the more states wait, the more of them share a key. 64,000
    /// rather than 16,000 wrote 7 % fewer rows per state change and committed 9 % more state changes/s on the lifecycle
    /// workload (docs/benchmarks.md); a read holds about 30 MB of records then.
    /// </summary>
    [Range(1, 200_000)]
    public int MaxReadRecords { get; set; } = 64_000;

    /// <summary>Longest time spent gathering one read while entries keep arriving.</summary>
    [Range(1, 60_000)]
    public int MaxBatchDelayMs { get; set; } = 200;

    /// <summary>
    /// How long a read may hold its entries, waiting for newer states of their keys, before writing them (0: write as
    /// soon as the stream is drained, today's visibility lag). Up to 30 s is what the seed tolerates; it adds that
    /// much to the visibility lag at low load. Must stay below half of <see cref="ClaimIdleTimeMs"/>.
    /// </summary>
    [Range(0, 30_000)]
    public int CoalesceHoldMs { get; set; }

    /// <summary>
    /// MySQL connections one flusher writes a read on, side by side; each lane holds the keys that hash to it, so lanes
    /// never share a row. Two lanes keep the two connections the two flushers per stream used before coalescing.
    /// </summary>
    [Range(1, 16)]
    public int WriteLanes { get; set; } = 2;

    /// <summary>
    /// How long a shard's reader lease lasts unrenewed. The flusher holding it reads the shard's new entries and
    /// renews it every round; when it stops, another flusher of any worker takes the lease within this time.
    /// </summary>
    [Range(200, 600_000)]
    public int ReaderLeaseTtlMs { get; set; } = 5_000;

    /// <summary>Pause between reads while the stream is empty (StackExchange.Redis cannot block on XREADGROUP).</summary>
    [Range(1, 10_000)]
    public int IdlePollIntervalMs { get; set; } = 20;

    /// <summary>
    /// Entries another consumer has held this long without acknowledging are taken over, even though its heartbeat
    /// is fresh: the last resort for a process that is alive but stuck. A dead one is found by its heartbeat.
    /// </summary>
    [Range(100, 86_400_000)]
    public int ClaimIdleTimeMs { get; set; } = 30_000;

    /// <summary>How often to look for such entries.</summary>
    [Range(50, 3_600_000)]
    public int ClaimIntervalMs { get; set; } = 5_000;

    /// <summary>An entry delivered this many times without a commit is dead-lettered: it likely crashes workers.</summary>
    [Range(2, 1000)]
    public int MaxDeliveries { get; set; } = 20;

    /// <summary>How often acknowledged entries are trimmed from the streams.</summary>
    [Range(100, 3_600_000)]
    public int TrimIntervalMs { get; set; } = 10_000;

    /// <summary>Ceiling of the back-off while MySQL or Redis is unreachable.</summary>
    [Range(10, 600_000)]
    public int MaxRetryDelayMs { get; set; } = 5_000;

    /// <summary>Approximate SQL text per INSERT statement; a batch becomes several statements in one transaction.</summary>
    [Range(64 * 1024, 512 * 1024 * 1024)]
    public int MaxStatementBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>
    /// On shutdown, how long the batch in hand may take to commit before it is abandoned un-acknowledged (another
    /// worker then takes it over). Keep it below the host's shutdown timeout (30 s) and the orchestrator's grace.
    /// </summary>
    [Range(0, 25_000)]
    public int DrainTimeoutMs { get; set; } = 10_000;

    /// <summary>How often this process renews its heartbeat, the sign that its consumer is alive.</summary>
    [Range(50, 60_000)]
    public int HeartbeatIntervalMs { get; set; } = 500;

    /// <summary>
    /// How long a heartbeat lasts unrenewed. A consumer without one is dead: its entries are taken over at once and,
    /// once it holds none, it leaves the group. A pause shorter than this (a GC, a slow commit) never costs entries.
    /// </summary>
    [Range(100, 600_000)]
    public int HeartbeatTtlMs { get; set; } = 2_000;

    /// <summary>How often each flusher looks for consumers whose heartbeat has expired.</summary>
    [Range(50, 60_000)]
    public int DeadConsumerCheckIntervalMs { get; set; } = 500;

    /// <summary>The consumer names of this process's flushers of one stream; the first is <see cref="ConsumerName"/> itself.</summary>
    public IReadOnlyList<string> ConsumerNames() =>
        [.. Enumerable.Range(0, FlushersPerStream).Select(i => i == 0 ? ConsumerName : $"{ConsumerName}#{i}")];

    /// <summary>These options as one flusher sees them: its own consumer name.</summary>
    public FlushOptions ForConsumer(string consumerName)
    {
        var copy = (FlushOptions)MemberwiseClone();
        copy.ConsumerName = consumerName;
        return copy;
    }
}
