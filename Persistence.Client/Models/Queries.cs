using System.Text.Json;

namespace Persistence.Client.Models;

/// <summary>One page of a session, task or recovery list.</summary>
/// <typeparam name="T">The rows.</typeparam>
public sealed class ResultPage<T>
{
    /// <summary>Matching rows for an offset-paged list (at most the server's counting cap); null for cursor pages.</summary>
    public long? Total { get; init; }

    /// <summary>Whether <see cref="Total"/> stopped at the counting cap; null without a total.</summary>
    public bool? TotalIsLowerBound { get; init; }

    /// <summary>The page number of an offset-paged list.</summary>
    public int? Page { get; init; }

    /// <summary>Rows per page.</summary>
    public int PageSize { get; init; }

    /// <summary>The rows.</summary>
    public IReadOnlyList<T> Items { get; init; } = [];

    /// <summary>Pass it as the next page's cursor; null on the last page.</summary>
    public string? NextCursor { get; init; }
}

/// <summary>A session as lists show it: everything but its metadata.</summary>
public class SessionSummary
{
    /// <summary>The session's id.</summary>
    public string SessionId { get; init; } = "";

    /// <summary>pending, processing, paused, completed, failed or cancelled.</summary>
    public string Status { get; init; } = "";

    /// <summary>The source language.</summary>
    public string? SourceLang { get; init; }

    /// <summary>The target languages.</summary>
    public IReadOnlyList<string>? TargetLangs { get; init; }

    /// <summary>Tasks the session has.</summary>
    public int? TotalTasks { get; init; }

    /// <summary>Tasks completed.</summary>
    public int? CompletedTasks { get; init; }

    /// <summary>Tasks failed.</summary>
    public int? FailedTasks { get; init; }

    /// <summary>When the session was created.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>The version stored: the newest <c>updated_at</c> accepted.</summary>
    public DateTimeOffset UpdatedAt { get; init; }
}

/// <summary>A session in full, with its task rows counted by status.</summary>
public sealed class SessionDetail : SessionSummary
{
    /// <summary>The session's metadata object.</summary>
    public JsonElement? Metadata { get; init; }

    /// <summary>Its task rows by status.</summary>
    public TaskStatistics? Tasks { get; init; }
}

/// <summary>A session's task rows by status.</summary>
public sealed class TaskStatistics
{
    /// <summary>Task rows stored.</summary>
    public long Total { get; init; }

    /// <summary>Rows per status.</summary>
    public IReadOnlyDictionary<string, long> ByStatus { get; init; } = new Dictionary<string, long>();

    /// <summary>Rows completed, failed or cancelled.</summary>
    public long Finished { get; init; }

    /// <summary>The finished share, 0 to 1.</summary>
    public double Progress { get; init; }
}

/// <summary>A task as lists show it: without its texts and metadata.</summary>
public class TaskSummary
{
    /// <summary>The task's id.</summary>
    public string TaskId { get; init; } = "";

    /// <summary>Its session.</summary>
    public string SessionId { get; init; } = "";

    /// <summary>Its batch, if any.</summary>
    public string? BatchId { get; init; }

    /// <summary>pending, processing, completed, failed or cancelled.</summary>
    public string Status { get; init; } = "";

    /// <summary>The source language.</summary>
    public string? SourceLang { get; init; }

    /// <summary>The target language.</summary>
    public string? TargetLang { get; init; }

    /// <summary>Attempts made.</summary>
    public int? Attempts { get; init; }

    /// <summary>The last error.</summary>
    public string? Error { get; init; }

    /// <summary>When the task was created.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>The version stored: the newest <c>updated_at</c> accepted.</summary>
    public DateTimeOffset UpdatedAt { get; init; }
}

/// <summary>A task in full.</summary>
public sealed class TaskDetail : TaskSummary
{
    /// <summary>The text to translate.</summary>
    public string? SourceText { get; init; }

    /// <summary>The translation.</summary>
    public string? TranslatedText { get; init; }

    /// <summary>The task's metadata object.</summary>
    public JsonElement? Metadata { get; init; }
}
