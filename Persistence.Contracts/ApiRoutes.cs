namespace Persistence.Contracts;

/// <summary>
/// The API's paths as the gateway exposes them, spelt once for the API's route groups, the client, the AppHost and the
/// tests. Each group's <c>Prefix</c> is what the API maps its group on; the other constants are whole paths (route
/// templates relative to the host, as in the OpenAPI document) for callers. The gateway's route table is configuration
/// (Gateway/appsettings.json); a test holds it to the API's document.
/// </summary>
public static class ApiRoutes
{
    /// <summary>Ingest, the flush barrier, the pipeline's statistics and dead letters.</summary>
    public static class Persistence
    {
        public const string Prefix = "/api/v1/persistence";

        public const string SessionsBatch = Prefix + "/sessions/batch";
        public const string TasksBatch = Prefix + "/tasks/batch";
        public const string Flush = Prefix + "/flush";
        public const string Stats = Prefix + "/stats";
        public const string DeadLetters = Prefix + "/dead-letters";
        public const string DeadLettersReplayAll = DeadLetters + "/replay-all";
    }

    /// <summary>Reads of sessions and tasks, recovery, translation jobs and their history.</summary>
    public static class Translation
    {
        public const string Prefix = "/api/v1/translation";

        /// <summary>The second spelling of <see cref="Persistence.SessionsBatch"/>, beside the reads.</summary>
        public const string SessionsBatch = Prefix + "/sessions/batch";

        /// <summary>The second spelling of <see cref="Persistence.TasksBatch"/>, beside the reads.</summary>
        public const string TasksBatch = Prefix + "/tasks/batch";

        public const string Sessions = Prefix + "/sessions";
        public const string Tasks = Prefix + "/tasks";

        public const string Recovery = Prefix + "/recovery";
        public const string IncompleteSessions = Recovery + "/incomplete-sessions";
        public const string Restore = Recovery + "/restore";

        public const string Jobs = Prefix + "/jobs";
        public const string JobsBatch = Jobs + "/batch";
        public const string JobsByBusinessId = Jobs + "/by-business-id";
        public const string JobsRetranslate = Jobs + "/retranslate";

        public const string History = Prefix + "/history";
        public const string FailedJobs = Prefix + "/failed-jobs";
        public const string FailedJobsRequeue = FailedJobs + "/requeue";
    }

    /// <summary>
    /// The last segment of <c>{Jobs}/{job_id}/…</c>: job ids never contain '/', so an action cannot be mistaken for an id.
    /// </summary>
    public static class JobActions
    {
        public const string Retry = "retry";
        public const string Approve = "approve";
        public const string Reject = "reject";
        public const string Requeue = "requeue";
    }

    /// <summary>The first spelling of the jobs routes, a deprecated alias of <see cref="Translation.Jobs"/> in v1.</summary>
    public static class DeprecatedTranslations
    {
        public const string Prefix = "/api/v1/translations";

        public const string Batch = Prefix + "/batch";
    }

    /// <summary>Operator actions on the data.</summary>
    public static class Admin
    {
        public const string Prefix = "/api/v1/admin";

        public const string GarbageCollection = Prefix + "/gc";
    }
}
