namespace Persistence.Contracts;

/// <summary>
/// The Redis layout shared by the API (producer) and the worker (consumer). Keys carry a hash tag so
/// that every key lives in one cluster slot and a batch can be appended in one MULTI/EXEC.
/// </summary>
public static class PersistenceStreams
{
    public const string Sessions = "{persistence}:sessions";
    public const string Tasks = "{persistence}:tasks";
    /// <summary>Contents to translate; written in the same MULTI/EXEC as the jobs that need them.</summary>
    public const string TranslationContents = "{persistence}:translation-contents";

    /// <summary>Translation jobs to register as pending, one per business id, content and target language.</summary>
    public const string TranslationJobs = "{persistence}:translation-jobs";

    public const string DeadLetters = "{persistence}:dead-letters";

    /// <summary>Hash of counters the worker maintains: flushed totals, last flush time and duration.</summary>
    public const string Stats = "{persistence}:stats";

    /// <summary>The one consumer group every worker joins; entries are acknowledged only after the MySQL commit.</summary>
    public const string ConsumerGroup = "persistence-writers";

    public static IReadOnlyList<string> Data { get; } = [Sessions, Tasks, TranslationContents, TranslationJobs];

    /// <summary>Field names inside a stream entry.</summary>
    public static class Fields
    {
        /// <summary>The one record of a single-record entry (the format before batch entries; dead letters keep it).</summary>
        public const string Record = "record";

        /// <summary>The records of a batch entry, a JSON array (<see cref="EntryItems"/>).</summary>
        public const string Records = "records";

        /// <summary>How many records a batch entry holds.</summary>
        public const string Count = "n";

        /// <summary>On a dead letter taken from a batch entry, the record's place in that entry's records.</summary>
        public const string SourceIndex = "index";

        public const string TraceParent = "traceparent";
        public const string TraceState = "tracestate";

        /// <summary>
        /// On a replayed entry, the id the record first arrived under. The worker orders states with equal
        /// updated_at by arrival, so a replay takes its original place instead of outranking what came after it.
        /// </summary>
        public const string ArrivedAs = "arrived_as";

        /// <summary>The API key id that wrote the entry, kept as an audit trail; absent when none was presented.</summary>
        public const string Caller = "caller";

        // Dead-letter entries.
        public const string SourceStream = "stream";
        public const string SourceId = "id";
        public const string Reason = "reason";
        public const string Deliveries = "deliveries";
        public const string DeadLetteredAt = "at";
    }

    /// <summary>Field names in the <see cref="Stats"/> hash.</summary>
    public static class StatsFields
    {
        public static string Flushed(string stream) => $"{stream}:flushed";
        /// <summary>Ends every stream's dead-lettered counter, so a reader can sum them over whatever streams exist.</summary>
        public const string DeadLetteredSuffix = ":dead_lettered";

        public static string DeadLettered(string stream) => stream + DeadLetteredSuffix;
        public static string LastFlushAt(string stream) => $"{stream}:last_flush_at";
        public static string LastFlushMilliseconds(string stream) => $"{stream}:last_flush_ms";
    }
}
