namespace Persistence.Client.Models;

/// <summary>Filters and order of <c>GET /api/v1/translation/sessions</c>; null leaves a filter out.</summary>
public sealed class SessionQuery
{
    /// <summary>Any of these statuses.</summary>
    public IReadOnlyCollection<string>? Statuses { get; init; }

    /// <summary>From this time of the sort field, inclusive.</summary>
    public DateTimeOffset? From { get; init; }

    /// <summary>To this time of the sort field, exclusive.</summary>
    public DateTimeOffset? To { get; init; }

    /// <summary>This source language.</summary>
    public string? SourceLang { get; init; }

    /// <summary>Sessions with this among their target languages (with a status or source language filter).</summary>
    public string? TargetLang { get; init; }

    /// <summary><c>created_at</c> (the server's default) or <c>updated_at</c>.</summary>
    public string? Sort { get; init; }

    /// <summary>Oldest first instead of the server's newest first.</summary>
    public bool Ascending { get; init; }

    /// <summary>Rows per request; the server's default when null.</summary>
    public int? PageSize { get; init; }

    /// <summary>How current the read must be; the server's default (eventual) when null.</summary>
    public ReadConsistency? Consistency { get; init; }
}

/// <summary>Filters of <c>GET /api/v1/translation/sessions/{id}/tasks</c>; null leaves a filter out.</summary>
public sealed class TaskQuery
{
    /// <summary>Any of these statuses.</summary>
    public IReadOnlyCollection<string>? Statuses { get; init; }

    /// <summary>This target language.</summary>
    public string? TargetLang { get; init; }

    /// <summary>This batch.</summary>
    public string? BatchId { get; init; }

    /// <summary>Rows per request; the server's default when null.</summary>
    public int? PageSize { get; init; }

    /// <summary>How current the read must be; the server's default (eventual) when null.</summary>
    public ReadConsistency? Consistency { get; init; }
}

/// <summary>Filters of <c>GET /api/v1/translation/jobs</c>; null leaves a filter out.</summary>
public sealed class TranslationJobQuery
{
    /// <summary>This status (pending, translating, translated, failed).</summary>
    public string? Status { get; init; }

    /// <summary>This target language.</summary>
    public string? Lang { get; init; }

    /// <summary>Jobs per request; the server's default when null.</summary>
    public int? PageSize { get; init; }
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
