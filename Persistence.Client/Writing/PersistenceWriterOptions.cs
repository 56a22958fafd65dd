namespace Persistence.Client.Writing;

/// <summary>What <see cref="PersistenceWriter"/> does when its queue for a record kind is full.</summary>
public enum BufferFullMode
{
    /// <summary><see cref="PersistenceWriter.EnqueueSessionAsync"/> waits for room (<c>TryEnqueue…</c> still refuses at once).</summary>
    Wait,

    /// <summary>Every enqueue returns false at once: the caller decides, the writer never blocks a hot path.</summary>
    Refuse,
}

/// <summary>Batching, memory and delivery limits of <see cref="PersistenceWriter"/> (section <c>PersistenceClient:Writer</c>).</summary>
public sealed class PersistenceWriterOptions
{
    /// <summary>Records per request at most (the API takes up to 5,000).</summary>
    public int MaxBatchSize { get; set; } = 1000;

    /// <summary>How long the first record of a batch waits for more before the batch is sent anyway.</summary>
    public TimeSpan MaxBatchDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Records held per kind (sessions, tasks) before <see cref="FullMode"/> applies; besides them, one batch is in flight per kind.</summary>
    public int Capacity { get; set; } = 100_000;

    /// <summary>
    /// Bytes of serialized records held per kind before <see cref="FullMode"/> applies, whichever of this and
    /// <see cref="Capacity"/> is reached first: records with large metadata fill memory long before their count does.
    /// </summary>
    public long CapacityBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>Whether an enqueue into a full queue waits or is refused.</summary>
    public BufferFullMode FullMode { get; set; } = BufferFullMode.Wait;

    /// <summary>On stop, dispose or host shutdown: how long the writer keeps sending what it holds before it gives the rest up as undelivered.</summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The first wait before a resend when the answer named none (<c>Retry-After</c> is honoured when given); it doubles per attempt.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>The longest wait between two sends of a batch, a longer <c>Retry-After</c> included.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Called, on the writer's own task, with records the writer gave up on; exceptions it throws are logged and ignored.</summary>
    public Action<UndeliveredRecords>? OnUndelivered { get; set; }
}
