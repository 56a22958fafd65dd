using System.Text.RegularExpressions;

namespace AppHost.Hosting;

/// <summary>
/// The InnoDB settings of a database server configured as a deployment would be (docs/mariadb.md): a buffer pool
/// sized for the working set, a redo log large enough that sustained flushing does not stall on checkpoints, data
/// pages written past the page cache, and every commit on disk before the worker acknowledges its entries.
/// </summary>
public sealed partial record DatabaseTuning(string BufferPool)
{
    public const string DefaultBufferPool = "1G";

    /// <summary>Room between checkpoints for sustained flushing (MariaDB's default is 96M); crash recovery replays at most this.</summary>
    public const string RedoLog = "512M";

    public static DatabaseTuning Default { get; } = new(DefaultBufferPool);

    /// <summary>A size as the server reads it: a whole number with an optional K, M or G.</summary>
    public static bool IsSize(string value) => SizePattern().IsMatch(value);

    /// <summary>MariaDB 10.11's names; <paramref name="mariaDb"/> false gives MySQL 8.4's (its redo log is one capacity).</summary>
    public IEnumerable<string> Arguments(bool mariaDb) =>
    [
        $"--innodb-buffer-pool-size={BufferPool}",
        mariaDb ? $"--innodb-log-file-size={RedoLog}" : $"--innodb-redo-log-capacity={RedoLog}",
        // The buffer pool is the cache: writing data files through the page cache as well only doubles the memory.
        // On a file system without O_DIRECT (tmpfs) InnoDB logs it and carries on buffered, fsync unchanged.
        "--innodb-flush-method=O_DIRECT",
        // Durability: each commit's redo is written and fsynced before the commit returns, so a row the worker
        // committed (and then acknowledged in Redis) survives a server or host crash.
        "--innodb-flush-log-at-trx-commit=1",
        "--innodb-doublewrite=1",
        // The binary log (--binlog, on by default) is fsynced with each commit group: a commit the worker acknowledged
        // is in the log the archiver copies for point-in-time recovery.
        "--sync-binlog=1",
    ];

    [GeneratedRegex("^[1-9][0-9]*[KMGkmg]?$")]
    private static partial Regex SizePattern();
}
