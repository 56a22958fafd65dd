using Aspire.Hosting.ApplicationModel;

namespace AppHost.Hosting;

/// <summary>
/// <c>mariadb-binlog</c> connected to MariaDB as a replica that never stops (<c>--read-from-remote-server --raw
/// --stop-never</c>), copying each binary-log event into the archive folder as the server writes it.
/// </summary>
public sealed class BinlogArchiverResource(string name, string command, MariaDbServerResource server)
    : ExecutableResource(name, command, workingDirectory: "")
{
    private string? _archiveDirectory;

    /// <summary>The archiver's account: it may read the binary log and list its files, nothing else.</summary>
    public const string User = "binlog-archiver";

    /// <summary>The account a point-in-time restore replays the archived log with: BINLOG REPLAY and the application's database.</summary>
    public const string ReplayUser = "binlog-replay";

    /// <summary>Where the log is archived, one folder per server id; set by <c>WithArchiveDirectory</c>.</summary>
    public string ArchiveDirectory
    {
        get => _archiveDirectory ?? throw new InvalidOperationException($"Binlog archiver '{Name}' has no archive folder: call WithArchiveDirectory.");
        internal set => _archiveDirectory = value;
    }

    /// <summary>The application's database, which the replay account may change; none when not set.</summary>
    public string? ReplayDatabase { get; internal set; }

    public MariaDbServerResource Server { get; } = server;
}
