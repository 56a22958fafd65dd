using Cronos;
using Microsoft.Extensions.Options;

namespace Translation.Worker.Backup;

/// <summary>Where backups go and which tools make them; the schedule is off unless <see cref="Enabled"/>.</summary>
public sealed class BackupOptions
{
    public const string SectionName = "Backup";

    /// <summary>Off by default: a local stack has nowhere safe to put copies, and a copy on the same disk protects nothing.</summary>
    public bool Enabled { get; set; }

    /// <summary>Five-field cron expression in UTC, as Cronos reads it; the default is daily at 02:30, before GC at 03:30.</summary>
    public string Schedule { get; set; } = "30 2 * * *";

    /// <summary>Scheduled backups go to a folder of their own under this one, named by their UTC start time.</summary>
    public string Directory { get; set; } = "";

    /// <summary>Complete scheduled backups kept; older ones are deleted after each new one succeeds.</summary>
    public int Keep { get; set; } = 7;

    /// <summary>The logical dump tool: <c>mariadb-dump</c> (or <c>mysqldump</c> against MySQL), found on PATH unless a path is given.</summary>
    public string DumpTool { get; set; } = "mariadb-dump";

    /// <summary>The command-line client that replays a dump on restore.</summary>
    public string ClientTool { get; set; } = "mariadb";

    /// <summary>PostgreSQL's dump tool, when <c>Storage:Backend</c> is postgres: at least the server's major version.</summary>
    public string PostgreSqlDumpTool { get; set; } = "pg_dump";

    /// <summary>PostgreSQL's client, which replays a dump on restore.</summary>
    public string PostgreSqlClientTool { get; set; } = "psql";

    /// <summary>
    /// The archived binary log a point-in-time restore replays (<c>restore --to-time</c>): one folder per MariaDB data
    /// folder, as the AppHost's <c>binlog-archiver</c> writes it. The AppHost sets it on the workers.
    /// </summary>
    public string BinlogArchive { get; set; } = "";

    /// <summary>The tool that reads the archived binary log: <c>mariadb-binlog</c>.</summary>
    public string BinlogTool { get; set; } = "mariadb-binlog";

    public DateTimeOffset? NextRunAfter(DateTimeOffset after) =>
        CronExpression.Parse(Schedule, CronFormat.Standard).GetNextOccurrence(after, TimeZoneInfo.Utc);
}

/// <summary>Refuses to start with backups on but nowhere to write them, a schedule that never comes, or nothing kept.</summary>
public sealed class BackupOptionsValidator(TimeProvider time) : IValidateOptions<BackupOptions>
{
    private const string Section = BackupOptions.SectionName + ":";

    public ValidateOptionsResult Validate(string? name, BackupOptions options)
    {
        if (options.Keep < 1)
        {
            return ValidateOptionsResult.Fail($"{Section}{nameof(BackupOptions.Keep)} is {options.Keep}: keep at least 1 backup.");
        }

        if (string.IsNullOrWhiteSpace(options.DumpTool) || string.IsNullOrWhiteSpace(options.ClientTool))
        {
            return ValidateOptionsResult.Fail($"{Section}{nameof(BackupOptions.DumpTool)} and {Section}{nameof(BackupOptions.ClientTool)} must name programs.");
        }

        if (string.IsNullOrWhiteSpace(options.PostgreSqlDumpTool) || string.IsNullOrWhiteSpace(options.PostgreSqlClientTool))
        {
            return ValidateOptionsResult.Fail($"{Section}{nameof(BackupOptions.PostgreSqlDumpTool)} and {Section}{nameof(BackupOptions.PostgreSqlClientTool)} must name programs.");
        }

        if (!options.Enabled)
        {
            return ValidateOptionsResult.Success;
        }

        if (string.IsNullOrWhiteSpace(options.Directory) || !Path.IsPathFullyQualified(options.Directory))
        {
            return ValidateOptionsResult.Fail($"{Section}{nameof(BackupOptions.Directory)} '{options.Directory}' must be an absolute path when {Section}{nameof(BackupOptions.Enabled)} is true.");
        }

        try
        {
            return options.NextRunAfter(time.GetUtcNow()) is null
                ? ValidateOptionsResult.Fail($"{Section}{nameof(BackupOptions.Schedule)} '{options.Schedule}' never occurs: no date matches its day and month fields.")
                : ValidateOptionsResult.Success;
        }
        catch (Exception ex) when (ex is CronFormatException or MissingSeedException or ArgumentNullException)
        {
            return ValidateOptionsResult.Fail(
                $"{Section}{nameof(BackupOptions.Schedule)} '{options.Schedule}' is not a five-field cron expression (minute hour day-of-month month day-of-week, UTC): {ex.Message}");
        }
    }
}
