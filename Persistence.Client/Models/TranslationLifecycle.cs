namespace Persistence.Client.Models;

/// <summary>A reviewer's decision recorded on a translated job.</summary>
public sealed class JobReviewed
{
    /// <summary>The job's id.</summary>
    public string JobId { get; init; } = "";

    /// <summary>The job's status (a reviewed job stays <c>translated</c>).</summary>
    public string Status { get; init; } = "";

    /// <summary>The decision: <c>approved</c> or <c>rejected</c>.</summary>
    public string Review { get; init; } = "";

    /// <summary>The key id that made it.</summary>
    public string ReviewedBy { get; init; } = "";

    /// <summary>The note given with it.</summary>
    public string? Note { get; init; }
}

/// <summary>A business id's newest jobs sent to the engine again, and those left alone.</summary>
public sealed class RetranslationAccepted
{
    /// <summary>Always <c>accepted</c>.</summary>
    public string Status { get; init; } = "";

    /// <summary>The business id.</summary>
    public string BusinessId { get; init; } = "";

    /// <summary>The jobs back to pending.</summary>
    public IReadOnlyList<JobReference> Requeued { get; init; } = [];

    /// <summary>The jobs not re-queued (an approved one, say), each with why.</summary>
    public IReadOnlyList<SkippedJob> Skipped { get; init; } = [];
}

/// <summary>A job a re-translation left alone.</summary>
public sealed class SkippedJob
{
    /// <summary>The job's id.</summary>
    public string JobId { get; init; } = "";

    /// <summary>The job's target language.</summary>
    public string TargetLang { get; init; } = "";

    /// <summary>Why it was left alone.</summary>
    public string Reason { get; init; } = "";
}

/// <summary>Failed jobs put back to pending in bulk.</summary>
public sealed class BulkRequeued
{
    /// <summary>Always <c>requeued</c>.</summary>
    public string Status { get; init; } = "";

    /// <summary>Jobs re-queued by this call.</summary>
    public int Count { get; init; }

    /// <summary>The call's limit was reached, so more failed jobs may match: call again until this is false.</summary>
    public bool More { get; init; }

    /// <summary>The jobs re-queued.</summary>
    public IReadOnlyList<JobReference> Jobs { get; init; } = [];
}

/// <summary>One state change in a business id's audit trail.</summary>
public sealed class HistoryEntry
{
    /// <summary>The entry's id; entries come in its order, oldest first.</summary>
    public string EventId { get; init; } = "";

    /// <summary>The job that changed.</summary>
    public string JobId { get; init; } = "";

    /// <summary>The job's target language.</summary>
    public string TargetLang { get; init; } = "";

    /// <summary>What happened: requested, claimed, translated, failed, retried, released, approved, rejected, requeued or retranslate.</summary>
    public string Event { get; init; } = "";

    /// <summary>Who did it: a key id, a worker's name, or <c>internal</c>.</summary>
    public string Actor { get; init; } = "";

    /// <summary>The status before; null for the request that created the job.</summary>
    public string? FromStatus { get; init; }

    /// <summary>The status after.</summary>
    public string ToStatus { get; init; } = "";

    /// <summary>The error, note or engine that goes with the change.</summary>
    public string? Detail { get; init; }

    /// <summary>When it happened.</summary>
    public DateTimeOffset At { get; init; }
}

/// <summary>Which failed jobs a list or a bulk re-queue selects; null leaves a filter out.</summary>
public sealed class FailedJobFilter
{
    /// <summary>This target language.</summary>
    public string? Lang { get; init; }

    /// <summary>Failed on this engine (<c>debug</c>, <c>openai</c>).</summary>
    public string? Engine { get; init; }

    /// <summary>Failed at or after this time.</summary>
    public DateTimeOffset? Since { get; init; }

    /// <summary>Failed before this time.</summary>
    public DateTimeOffset? Until { get; init; }
}

internal sealed class HistoryPage
{
    public IReadOnlyList<HistoryEntry> Items { get; init; } = [];

    public string? NextCursor { get; init; }
}

internal sealed record ReviewBody(string? Note);

internal sealed record RequeueBody(string? Engine);

internal sealed record RetranslateBody(string BusinessId, IReadOnlyList<string>? TargetLangs);
