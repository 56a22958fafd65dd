namespace Translation.Worker;

internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Information, "Schema is current: applied {Applied} of {Known} migrations now")]
    public static partial void SchemaReady(ILogger logger, int applied, int known);

    [LoggerMessage(2, LogLevel.Warning, "Migrations could not run; retrying in {DelayMs} ms")]
    public static partial void MigrationRetry(ILogger logger, double delayMs, Exception exception);

    [LoggerMessage(3, LogLevel.Information, "Applying migration {Version} {Name}")]
    public static partial void ApplyingMigration(ILogger logger, int version, string name);

    [LoggerMessage(4, LogLevel.Warning, "Migration {Version} {Name} changed after it was applied; the database keeps the applied version")]
    public static partial void MigrationChanged(ILogger logger, int version, string name);

    [LoggerMessage(10, LogLevel.Information, "Flushing {Stream} as consumer {Consumer}")]
    public static partial void FlusherStarted(ILogger logger, string stream, string consumer);

    [LoggerMessage(11, LogLevel.Information, "Stopped flushing {Stream}")]
    public static partial void FlusherStopped(ILogger logger, string stream);

    [LoggerMessage(12, LogLevel.Information, "Resuming {Count} entries of {Stream} this consumer held before it restarted")]
    public static partial void ResumingOwnPending(ILogger logger, string stream, int count);

    [LoggerMessage(13, LogLevel.Debug, "Committed a read of {Stream}: {Applied} rows written for them and {Superseded} superseded states, in {ElapsedMs} ms")]
    public static partial void BatchCommitted(ILogger logger, string stream, long applied, long superseded, double elapsedMs);

    [LoggerMessage(14, LogLevel.Warning, "Commit of {Count} rows of {Stream} failed (attempt {Attempt}); retrying in {DelayMs} ms")]
    public static partial void CommitRetry(ILogger logger, string stream, int count, int attempt, double delayMs, Exception exception);

    [LoggerMessage(15, LogLevel.Warning, "MySQL rejected a batch of {Count} rows of {Stream} ({Reason}); splitting it to isolate the row")]
    public static partial void IsolatingRejectedRecord(ILogger logger, string stream, int count, string reason);

    [LoggerMessage(16, LogLevel.Error, "Dead-lettered entry {EntryId} of {Stream}: {Reason}")]
    public static partial void DeadLettered(ILogger logger, string stream, string entryId, string reason);

    [LoggerMessage(17, LogLevel.Warning, "Reclaimed {Count} entries of {Stream} from an idle consumer")]
    public static partial void Reclaimed(ILogger logger, string stream, int count);

    [LoggerMessage(18, LogLevel.Debug, "Trimmed {Removed} acknowledged entries of {Stream} below {MinId}")]
    public static partial void Trimmed(ILogger logger, string stream, long removed, string minId);

    [LoggerMessage(19, LogLevel.Error, "Flush loop of {Stream} failed; continuing in {DelayMs} ms")]
    public static partial void LoopFailed(ILogger logger, string stream, double delayMs, Exception exception);

    [LoggerMessage(20, LogLevel.Warning, "Redis operation '{Operation}' on {Stream} failed; retrying in {DelayMs} ms")]
    public static partial void RedisRetry(ILogger logger, string stream, string operation, double delayMs, Exception exception);

    [LoggerMessage(21, LogLevel.Warning, "Entry {EntryId} of {Stream} was deleted while pending; acknowledging it")]
    public static partial void EntryVanished(ILogger logger, string stream, string entryId);

    [LoggerMessage(50, LogLevel.Warning, "The batch read ahead from {Stream} was not committed before shutdown; it stays pending for this consumer or a reclaim")]
    public static partial void ReadAheadLeftPending(ILogger logger, string stream, Exception exception);

    [LoggerMessage(51, LogLevel.Warning, "{Count} entries of {Stream} were taken over by another consumer while this one retried them; it leaves them to the new holder")]
    public static partial void BatchTakenOver(ILogger logger, string stream, int count);

    [LoggerMessage(22, LogLevel.Information, "Stopping: no more reads from {Stream}; the batch in hand has {DrainTimeoutMs} ms to commit")]
    public static partial void Draining(ILogger logger, string stream, int drainTimeoutMs);

    [LoggerMessage(23, LogLevel.Warning, "Consumer {Consumer} could not renew its heartbeat; other workers take its entries over once it expires")]
    public static partial void HeartbeatFailed(ILogger logger, string consumer, Exception exception);

    [LoggerMessage(24, LogLevel.Information, "Consumer {Consumer} renews its heartbeat again")]
    public static partial void HeartbeatRestored(ILogger logger, string consumer);

    [LoggerMessage(25, LogLevel.Warning, "Took over {Count} entries of {Stream} from consumer {Consumer}, whose heartbeat has expired")]
    public static partial void ClaimedFromDeadConsumer(ILogger logger, string stream, int count, string consumer);

    [LoggerMessage(26, LogLevel.Information, "Removed dead consumer {Consumer} from the group of {Stream}: it holds no entries")]
    public static partial void ForgotDeadConsumer(ILogger logger, string stream, string consumer);

    [LoggerMessage(27, LogLevel.Debug, "Statistics of {Stream} not recorded ({Reason}); they are added to the next record")]
    public static partial void StatsDeferred(ILogger logger, string stream, string reason);

    [LoggerMessage(28, LogLevel.Warning, "Entry {EntryId} of {Stream} could not be dead-lettered now; it stays pending and is retried after the claim idle time")]
    public static partial void DeadLetterLeftPending(ILogger logger, string stream, string entryId, Exception exception);

    [LoggerMessage(29, LogLevel.Debug, "Acknowledged {Acknowledged} of {Count} committed entries of {Stream}; the others were acknowledged already by a consumer that took them over")]
    public static partial void AcknowledgedFewer(ILogger logger, string stream, long acknowledged, int count);

    [LoggerMessage(30, LogLevel.Information, "Next garbage collection at {At:O}")]
    public static partial void GarbageCollectionScheduled(ILogger logger, DateTimeOffset at);

    [LoggerMessage(31, LogLevel.Information, "Garbage collection deleted {Sessions} sessions and {Tasks} tasks ended before {Cutoff:O} in {ElapsedMs} ms")]
    public static partial void GarbageCollected(ILogger logger, long sessions, long tasks, DateTime cutoff, double elapsedMs);

    [LoggerMessage(32, LogLevel.Information, "Garbage collection skipped: another instance is running it")]
    public static partial void GarbageCollectionSkipped(ILogger logger);

    [LoggerMessage(33, LogLevel.Error, "Garbage collection failed; it runs again at the next scheduled time")]
    public static partial void GarbageCollectionFailed(ILogger logger, Exception exception);

    [LoggerMessage(34, LogLevel.Error, "GarbageCollection:Schedule '{Schedule}' names no future time; the worker will not collect garbage by itself")]
    public static partial void GarbageCollectionNeverScheduled(ILogger logger, string schedule);

    [LoggerMessage(40, LogLevel.Information, "Processing {Languages} with the {Engine} engine as {Worker}")]
    public static partial void ProcessorStarted(ILogger logger, string languages, string engine, string worker);

    [LoggerMessage(41, LogLevel.Debug, "Processed {Claimed} {Lang} jobs: {Translated} translated, {Reused} from memory, {Retried} to retry, {Failed} failed")]
    public static partial void BatchProcessed(ILogger logger, string lang, int claimed, int translated, int reused, int retried, int failed);

    [LoggerMessage(42, LogLevel.Warning, "Job {JobId} ({Lang}) attempt {Attempt} failed; next attempt in {DelayMs} ms: {Error}")]
    public static partial void JobRetrying(ILogger logger, string jobId, string lang, int attempt, double delayMs, string error);

    [LoggerMessage(43, LogLevel.Error, "Job {JobId} ({Lang}) failed for good after attempt {Attempt}: {Error}")]
    public static partial void JobFailed(ILogger logger, string jobId, string lang, int attempt, string error);

    [LoggerMessage(44, LogLevel.Warning, "{Count} {Lang} jobs had passed to another worker before their outcome was stored; dropped it")]
    public static partial void LeaseLost(ILogger logger, string lang, int count);

    [LoggerMessage(45, LogLevel.Error, "{Count} {Lang} jobs failed: their lease ran out on the last attempt")]
    public static partial void AbandonedJobsFailed(ILogger logger, string lang, int count);

    [LoggerMessage(46, LogLevel.Warning, "The {Engine} engine failed a batch of {Count} {Lang} texts")]
    public static partial void EngineFailed(ILogger logger, string engine, string lang, int count, Exception exception);

    [LoggerMessage(47, LogLevel.Error, "Processing of {Lang} failed; continuing in {DelayMs} ms")]
    public static partial void ProcessingLoopFailed(ILogger logger, string lang, double delayMs, Exception exception);

    [LoggerMessage(48, LogLevel.Warning, "The engine call was answered {Status}; attempt {Attempt} again in {DelayMs} ms")]
    public static partial void EngineRetry(ILogger logger, string status, int attempt, double delayMs);

    [LoggerMessage(49, LogLevel.Information, "Stopping: handed {Count} claimed {Lang} jobs back as pending")]
    public static partial void JobsReleased(ILogger logger, string lang, int count);
}
