using System.Globalization;
using System.Security.Cryptography;

namespace AppHost.Hosting;

/// <summary>
/// MariaDB's binary log, the input of point-in-time recovery: every committed row change in ROW format, written (and,
/// with <c>--sync-binlog=1</c>, fsynced) with its commit group. Each data folder gets a server id of its own, drawn
/// when the folder is new: the archive keeps each data folder's log apart under that id (the log's file names start
/// again at 000001 on a new folder), and a base backup names the id whose log continues it.
/// </summary>
public static class BinaryLog
{
    /// <summary>The log's file names: <c>binlog.000001</c>, … in the data folder.</summary>
    public const string BaseName = "binlog";

    /// <summary>The server keeps a week of its own log: the archive has it long before, unless the archiver was down that long.</summary>
    public const int ExpireSeconds = 7 * 24 * 3600;

    private const string ServerIdFile = "server-id";

    /// <summary>Server ids are drawn below this; the archiver connects as a replica with the id plus this, so never the same.</summary>
    public const long ReplicaIdOffset = 1L << 31;

    public static IEnumerable<string> ServerArguments(string dataDirectory) =>
    [
        $"--log-bin={Path.Combine(dataDirectory, BaseName)}",
        "--binlog-format=ROW",
        // The migrations create triggers as the application user, which with a binary log needs SUPER unless this is
        // set. In ROW format the log carries the rows a trigger changed, not the statement, so replay does not depend
        // on what the trigger would compute.
        "--log-bin-trust-function-creators=1",
        string.Create(CultureInfo.InvariantCulture, $"--server-id={ServerId(dataDirectory)}"),
        string.Create(CultureInfo.InvariantCulture, $"--binlog-expire-logs-seconds={ExpireSeconds}"),
    ];

    /// <summary>The data folder's server id, drawn and kept in the folder the first time it is asked for.</summary>
    public static long ServerId(string dataDirectory)
    {
        var path = Path.Combine(dataDirectory, ServerIdFile);
        if (File.Exists(path) && long.TryParse(File.ReadAllText(path).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var id) && id > 0)
        {
            return id;
        }

        Directory.CreateDirectory(dataDirectory);
        id = RandomNumberGenerator.GetInt32(2, int.MaxValue);
        File.WriteAllText(path, id.ToString(CultureInfo.InvariantCulture));
        return id;
    }
}
