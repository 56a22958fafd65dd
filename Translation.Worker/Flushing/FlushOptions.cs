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
    /// <c>ConsumerName#1</c>, …) with its own MySQL connection. Safe at any count: the version guard decides which
    /// state of a row wins, not the order of commits, and each batch locks its rows in key order. Two measured 32 %
    /// more end-to-end throughput than one on two cores, and three no more than two (docs/benchmarks.md).
    /// </summary>
    [Range(1, 16)]
    public int FlushersPerStream { get; set; } = DefaultFlushersPerStream;

    public const int DefaultFlushersPerStream = 2;

    /// <summary>Records per MySQL transaction.</summary>
    [Range(1, 50_000)]
    public int BatchSize { get; set; } = 1000;

    /// <summary>Longest time spent gathering one batch while entries keep arriving.</summary>
    [Range(1, 60_000)]
    public int MaxBatchDelayMs { get; set; } = 200;

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
