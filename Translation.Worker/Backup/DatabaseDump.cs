using Translation.Worker.Backup.MySql;

namespace Translation.Worker.Backup;

/// <summary>
/// The database half of a backup, made and replayed by the backend's own tools: a logical dump of the whole
/// application database taken in one consistent snapshot without locking out the flushers, and its replay, which
/// replaces the tables the dump holds. One implementation per backend, beside the tool it drives.
/// </summary>
public abstract class DatabaseDump
{
    /// <summary>The dump's kind in the manifest (<see cref="BackupFile.MySqlDump"/>, …): a dump restores into its own backend only.</summary>
    public abstract string Kind { get; }

    /// <summary>The dump's file name inside the backup folder.</summary>
    public abstract string FileName { get; }

    /// <summary>
    /// Writes the dump to <paramref name="path"/>, a file already created owner-only. Returns where MySQL's binary log
    /// continues after the dump's snapshot, for a point-in-time restore, or null when there is no such log.
    /// </summary>
    public abstract Task<BinlogPosition?> WriteAsync(string path, CancellationToken cancellationToken);

    /// <summary>Replays a dump of <see cref="Kind"/> into the application database.</summary>
    public abstract Task ReplayAsync(string path, CancellationToken cancellationToken);

    /// <summary>The dump tool's own version line, recorded in the manifest.</summary>
    public abstract Task<string> ToolVersionAsync(CancellationToken cancellationToken);
}
