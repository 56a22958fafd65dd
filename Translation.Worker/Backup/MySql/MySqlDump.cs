using System.Data.Common;
using System.Globalization;

namespace Translation.Worker.Backup.MySql;

/// <summary>
/// <c>mariadb-dump</c> in one <c>--single-transaction</c> snapshot; when the server writes a binary log, the dump also
/// records where the log continues, so a point-in-time restore can replay from exactly there.
/// </summary>
public sealed class MySqlDump(MySqlTools tools, DbDataSource dataSource) : DatabaseDump
{
    public override string Kind => BackupFile.MySqlDump;

    public override string FileName => "mysql.sql";

    public override async Task<BinlogPosition?> WriteAsync(string path, CancellationToken cancellationToken)
    {
        var serverId = await BinlogServerIdAsync(cancellationToken);
        await tools.DumpAsync(path, withBinlogPosition: serverId is not null, cancellationToken);
        return serverId is { } id ? await BinlogPosition.ReadFromDumpAsync(path, id, cancellationToken) : null;
    }

    public override Task ReplayAsync(string path, CancellationToken cancellationToken) => tools.ReplayAsync(path, cancellationToken);

    public override Task<string> ToolVersionAsync(CancellationToken cancellationToken) => tools.DumpToolVersionAsync(cancellationToken);

    /// <summary>The server id when the server writes a binary log, else null.</summary>
    private async Task<long?> BinlogServerIdAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT @@log_bin, @@server_id";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return Convert.ToInt64(reader.GetValue(0), CultureInfo.InvariantCulture) != 0 ? Convert.ToInt64(reader.GetValue(1), CultureInfo.InvariantCulture) : null;
    }
}
