namespace Persistence.Contracts;

/// <summary>
/// The API's query parameter names, spelt once for the API that reads them, its document and the client that sends
/// them: every list pages with <see cref="PageSize"/> and <see cref="Cursor"/> (from a previous page's
/// <c>next_cursor</c>) and filters with the same words.
/// </summary>
public static class QueryParameters
{
    public const string PageSize = "page_size";
    public const string Cursor = "cursor";

    /// <summary>Offset paging, sessions only.</summary>
    public const string Page = "page";

    public const string Status = "status";
    public const string SourceLang = "source_lang";
    public const string TargetLang = "target_lang";
    public const string BatchId = "batch_id";
    public const string From = "from";
    public const string To = "to";
    public const string Sort = "sort";
    public const string Order = "order";

    /// <summary><c>eventual</c> or <c>strong</c> (after the flush barrier).</summary>
    public const string Consistency = "consistency";

    /// <summary>Failed jobs: the engine that last claimed them, and when they failed.</summary>
    public const string Engine = "engine";
    public const string Since = "since";
    public const string Until = "until";

    /// <summary>Re-queue of failed jobs: how many at most, and to which engine.</summary>
    public const string MaxJobs = "max_jobs";
    public const string ToEngine = "to_engine";

    /// <summary>The flush barrier's wait.</summary>
    public const string TimeoutMs = "timeout_ms";

    /// <summary>Garbage collection that only counts.</summary>
    public const string DryRun = "dry_run";
}
