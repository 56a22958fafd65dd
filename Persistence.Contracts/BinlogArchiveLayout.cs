using System.Globalization;

namespace Persistence.Contracts;

/// <summary>
/// How the binary-log archive is laid out, shared by the archiver the AppHost runs and the worker's restore: one folder
/// per MariaDB data folder, named by its server id (a new data folder's log starts again at <c>binlog.000001</c>, so
/// the two must not meet), holding the server's log files byte for byte under their own names.
/// </summary>
public static class BinlogArchiveLayout
{
    /// <summary>The prefix of every log file's name, before its six-digit sequence number.</summary>
    public const string FilePrefix = "binlog.";

    public static string ServerFolder(long serverId) => string.Create(CultureInfo.InvariantCulture, $"server-{serverId}");

    /// <summary>The log files of one server in the archive, in the order they were written.</summary>
    public static IReadOnlyList<string> Files(string serverDirectory) =>
        Directory.Exists(serverDirectory)
            ? [.. Directory.EnumerateFiles(serverDirectory, FilePrefix + "*")
                .Where(f => Path.GetFileName(f)[FilePrefix.Length..].All(char.IsAsciiDigit))
                .Order(StringComparer.Ordinal)]
            : [];
}
