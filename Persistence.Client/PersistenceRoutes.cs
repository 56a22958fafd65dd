namespace Persistence.Client;

/// <summary>
/// The paths and query parameter names of the API as the gateway exposes them: the one place the client spells them,
/// so a route or parameter rename is a one-line change.
/// </summary>
internal static class PersistenceRoutes
{
    public const string SessionsBatch = "api/v1/persistence/sessions/batch";
    public const string TasksBatch = "api/v1/persistence/tasks/batch";
    public const string Flush = "api/v1/persistence/flush";
    public const string Stats = "api/v1/persistence/stats";
    public const string DeadLetters = "api/v1/persistence/dead-letters";
    public const string DeadLettersReplayAll = "api/v1/persistence/dead-letters/replay-all";
    public const string Sessions = "api/v1/translation/sessions";
    public const string Tasks = "api/v1/translation/tasks";
    public const string IncompleteSessions = "api/v1/translation/recovery/incomplete-sessions";
    public const string Restore = "api/v1/translation/recovery/restore";
    public const string Jobs = "api/v1/translation/jobs";
    public const string JobsBatch = "api/v1/translation/jobs/batch";
    public const string JobsByBusinessId = "api/v1/translation/jobs/by-business-id";
    public const string JobsRetranslate = "api/v1/translation/jobs/retranslate";
    public const string History = "api/v1/translation/history";
    public const string FailedJobs = "api/v1/translation/failed-jobs";
    public const string FailedJobsRequeue = "api/v1/translation/failed-jobs/requeue";
    public const string GarbageCollection = "api/v1/admin/gc";

    public const string PageSize = "page_size";
    public const string Cursor = "cursor";
    public const string TargetLanguage = "target_lang";
    public const string Engine = "engine";
    public const string Since = "since";
    public const string Until = "until";
    public const string MaxJobs = "max_jobs";
    public const string ToEngine = "to_engine";

    // The last segment of Jobs/{job_id}/…: job ids never contain '/', so the action cannot be mistaken for an id.
    public const string Approve = "approve";
    public const string Reject = "reject";
    public const string Requeue = "requeue";
}
