using System.Globalization;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;

namespace Translation.Worker.Backup.MySql;

/// <summary>
/// Where in MySQL's binary log a dump's snapshot stands: the server (whose archive folder holds the log that follows),
/// the log file and offset, and the GTID position, which the replay starts after.
/// </summary>
public sealed partial record BinlogPosition(
    [property: JsonPropertyName("server_id")] long ServerId,
    [property: JsonPropertyName("file")] string File,
    [property: JsonPropertyName("position")] long Position,
    [property: JsonPropertyName("gtid")] string Gtid)
{
    /// <summary>
    /// Reads the position <c>mariadb-dump --master-data=2 --gtid</c> wrote, as comments: taken inside the dump's own
    /// consistent snapshot, so no transaction falls between the dump and the log after it. The file position is in the
    /// header; the GTID comes wherever the dump tool puts its deferred setting (after the tables, in a dump of many),
    /// so the whole file is read.
    /// </summary>
    public static async Task<BinlogPosition> ReadFromDumpAsync(string dumpPath, long serverId, CancellationToken cancellationToken)
    {
        string? file = null, gtid = null;
        long position = 0;
        using var reader = new StreamReader(dumpPath);
        while ((file is null || gtid is null) && await reader.ReadLineAsync(cancellationToken) is { } text)
        {
            if (FilePattern().Match(text) is { Success: true } at)
            {
                file = at.Groups[1].Value;
                position = long.Parse(at.Groups[2].Value, CultureInfo.InvariantCulture);
            }
            else if (GtidPattern().Match(text) is { Success: true } gtidAt)
            {
                gtid = gtidAt.Groups[1].Value;
            }
        }

        return file is not null && gtid is not null
            ? new BinlogPosition(serverId, file, position, gtid)
            : throw new InvalidOperationException($"{dumpPath} does not record its binary-log position (MASTER_LOG_FILE and gtid_slave_pos).");
    }

    [GeneratedRegex(@"^-- CHANGE MASTER TO MASTER_LOG_FILE='([^']+)', MASTER_LOG_POS=(\d+);")]
    private static partial Regex FilePattern();

    [GeneratedRegex(@"^-- SET GLOBAL gtid_slave_pos='([0-9,\-]*)';")]
    private static partial Regex GtidPattern();
}
