namespace Persistence.Contracts;

/// <summary>
/// The default and largest <c>page_size</c> of each kind of list, in one place: the API's options start from them,
/// its document states what the running options say, and the client sends no <c>page_size</c> unless asked, so it
/// gets the server's default. A larger ask is refused (400), never silently cut.
/// </summary>
public static class PageSizes
{
    /// <summary>Sessions, a session's tasks and recovery's unfinished sessions (<c>Query:DefaultPageSize</c>, <c>Query:MaxPageSize</c>).</summary>
    public static class Records
    {
        public const int Default = 20;
        public const int Max = 200;
    }

    /// <summary>
    /// Translation jobs, their history and the failed jobs (<c>Translations:DefaultPageSize</c>,
    /// <c>Translations:MaxPageSize</c>); the max also bounds one bulk re-queue.
    /// </summary>
    public static class TranslationJobs
    {
        public const int Default = 100;
        public const int Max = 1000;
    }

    /// <summary>Dead letters (not configurable).</summary>
    public static class DeadLetters
    {
        public const int Default = 50;
        public const int Max = 500;
    }
}
