namespace Persistence.Client.Models;

/// <summary>A translation request registered: one job per target language.</summary>
public sealed class TranslationAccepted
{
    /// <summary>Always <c>accepted</c>.</summary>
    public string Status { get; init; } = "";

    /// <summary>The request's business id.</summary>
    public string BusinessId { get; init; } = "";

    /// <summary>The jobs, one per distinct target language.</summary>
    public IReadOnlyList<JobReference> Jobs { get; init; } = [];
}

/// <summary>A job's id (derived from the request alone, so a resend names the same job) and its language.</summary>
public sealed class JobReference
{
    /// <summary>The job's id.</summary>
    public string JobId { get; init; } = "";

    /// <summary>The job's target language.</summary>
    public string TargetLang { get; init; } = "";
}

/// <summary>A batch of translation requests registered.</summary>
public sealed class TranslationBatchAccepted
{
    /// <summary>Always <c>accepted</c>.</summary>
    public string Status { get; init; } = "";

    /// <summary>Requests registered: all of the batch.</summary>
    public int Count { get; init; }

    /// <summary>Each request's jobs, in the batch's order.</summary>
    public IReadOnlyList<TranslationAccepted> Items { get; init; } = [];
}

/// <summary>A translation job as stored.</summary>
public sealed class JobState
{
    /// <summary>The job's id.</summary>
    public string JobId { get; init; } = "";

    /// <summary>The business id it translates for.</summary>
    public string BusinessId { get; init; } = "";

    /// <summary>The source language.</summary>
    public string SourceLang { get; init; } = "";

    /// <summary>The target language.</summary>
    public string TargetLang { get; init; } = "";

    /// <summary>pending, translating, translated or failed.</summary>
    public string Status { get; init; } = "";

    /// <summary>The translation, once translated.</summary>
    public string? Result { get; init; }

    /// <summary>The last error.</summary>
    public string? Error { get; init; }

    /// <summary>Attempts made.</summary>
    public int Attempts { get; init; }

    /// <summary>Whether translation memory answered it.</summary>
    public bool Reused { get; init; }

    /// <summary>When the job was registered.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>When it last changed.</summary>
    public DateTimeOffset UpdatedAt { get; init; }

    /// <summary>When a retry is due, while it waits for one.</summary>
    public DateTimeOffset? NextAttemptAt { get; init; }

    /// <summary>The engine it was last claimed for, or whose translation it carries (<c>debug</c>, <c>openai</c>).</summary>
    public string? Engine { get; init; }

    /// <summary>The engine's version: the model, for a model-backed engine.</summary>
    public string? EngineVersion { get; init; }

    /// <summary>What a reviewer decided; null while nobody has.</summary>
    public JobReview? Review { get; init; }
}

/// <summary>A reviewer's decision on a job.</summary>
public sealed class JobReview
{
    /// <summary><c>approved</c> or <c>rejected</c>.</summary>
    public string Status { get; init; } = "";

    /// <summary>The key id of the reviewer.</summary>
    public string? ReviewedBy { get; init; }

    /// <summary>When the decision was made.</summary>
    public DateTimeOffset? ReviewedAt { get; init; }

    /// <summary>The reviewer's note.</summary>
    public string? Note { get; init; }
}

/// <summary>A business id's newest job per target language.</summary>
public sealed class TranslationState
{
    /// <summary>The business id.</summary>
    public string BusinessId { get; init; } = "";

    /// <summary>One job per target language.</summary>
    public IReadOnlyList<JobState> Translations { get; init; } = [];
}

/// <summary>A failed (or rejected) job put back to pending.</summary>
public sealed class JobRequeued
{
    /// <summary>Always <c>requeued</c>.</summary>
    public string Status { get; init; } = "";

    /// <summary>The job's id.</summary>
    public string JobId { get; init; } = "";
}

internal sealed class JobPage
{
    public IReadOnlyList<JobState> Items { get; init; } = [];

    public string? NextCursor { get; init; }
}
