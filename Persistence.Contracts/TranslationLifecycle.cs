namespace Persistence.Contracts;

/// <summary>What a reviewer decided about a translated job; null while nobody has.</summary>
public static class ReviewStatus
{
    public const string Approved = "approved";
    public const string Rejected = "rejected";
}

/// <summary>The kinds of entry in a job's audit trail (translation_job_events.event).</summary>
public static class JobEvents
{
    public const string Requested = "requested";
    public const string Claimed = "claimed";
    public const string Translated = "translated";
    public const string Retried = "retried";
    public const string Failed = "failed";

    /// <summary>Handed back unattempted: its content had not landed yet, or the worker was stopping.</summary>
    public const string Released = "released";

    public const string Approved = "approved";
    public const string Rejected = "rejected";
    public const string Requeued = "requeued";

    /// <summary>Sent to the engine again on request, even though memory knew the text.</summary>
    public const string Retranslate = "retranslate";
}

/// <summary>The engines a worker can run (Processing:Engine), and so what a job can be re-queued to.</summary>
public static class TranslationEngines
{
    public const string Debug = "debug";
    public const string OpenAi = "openai";

    public static IReadOnlySet<string> All { get; } = new HashSet<string>([Debug, OpenAi], StringComparer.Ordinal);
}
