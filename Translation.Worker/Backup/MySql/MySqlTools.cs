using System.Globalization;
using System.Text;
using MySqlConnector;

namespace Translation.Worker.Backup.MySql;

/// <summary>
/// Runs <c>mariadb-dump</c> and the <c>mariadb</c> client against the database of a connection string. The password
/// goes in an owner-only option file rather than on the command line, where every local user could read it.
/// </summary>
public sealed class MySqlTools(BackupOptions options, string connectionString)
{
    private readonly MySqlConnectionStringBuilder _connection = new(connectionString);

    public string Database => _connection.Database;

    /// <summary>
    /// A logical dump in one <c>--single-transaction</c> snapshot: consistent for InnoDB without locking out the
    /// flushers, and replayable into any later MariaDB or MySQL by the ordinary client;
    /// <paramref name="withBinlogPosition"/> records, as comments, the binary-log position of that same snapshot
    /// (MariaDB reads it from the snapshot, without locking tables).
    /// </summary>
    public Task DumpAsync(string outputPath, bool withBinlogPosition, CancellationToken cancellationToken) =>
        RunAsync(options.DumpTool,
            [
                "--single-transaction", "--quick", "--hex-blob", "--no-tablespaces", "--skip-lock-tables", "--default-character-set=utf8mb4",
                .. withBinlogPosition ? (string[])["--master-data=2", "--gtid"] : [],
                $"--result-file={outputPath}", Database,
            ],
            input: null, cancellationToken);

    /// <summary>
    /// Replays a dump; its DROP/CREATE TABLE statements replace whatever tables the database has. Definers are left
    /// out (<see cref="DumpDefiners"/>), so the restoring account need not be the one that made the backup.
    /// </summary>
    public async Task ReplayAsync(string dumpPath, CancellationToken cancellationToken)
    {
        await using var input = File.OpenRead(dumpPath);
        await RunAsync(options.ClientTool, ["--default-character-set=utf8mb4", Database], (stdin, token) => DumpDefiners.CopyAsync(input, stdin, token), cancellationToken);
    }

    /// <summary>Replays SQL read from <paramref name="sql"/> (<c>mariadb-binlog</c>'s output, whose row events are binary).</summary>
    public Task ReplayAsync(Stream sql, CancellationToken cancellationToken) =>
        RunAsync(options.ClientTool, ["--default-character-set=utf8mb4", "--binary-mode", Database], (stdin, token) => sql.CopyToAsync(stdin, token), cancellationToken);

    public async Task<string> DumpToolVersionAsync(CancellationToken cancellationToken) =>
        (await RunAsync(options.DumpTool, ["--version"], input: null, cancellationToken, withCredentials: false)).Trim();

    private async Task<string> RunAsync(
        string tool, IReadOnlyList<string> arguments, Func<Stream, CancellationToken, Task>? input, CancellationToken cancellationToken, bool withCredentials = true)
    {
        var optionFile = withCredentials ? WriteOptionFile() : null;
        try
        {
            // The option file must come first: the tools read it only in that place.
            return await ToolProcess.RunAsync(
                tool, optionFile is null ? arguments : [$"--defaults-extra-file={optionFile}", .. arguments], environment: null, input,
                "install the MariaDB client tools or set Backup:DumpTool and Backup:ClientTool.", cancellationToken);
        }
        finally
        {
            if (optionFile is not null)
            {
                File.Delete(optionFile);
            }
        }
    }

    private string WriteOptionFile()
    {
        var path = Path.Combine(Path.GetTempPath(), $"backup-{Guid.NewGuid():N}.cnf");
        var text = new StringBuilder()
            .AppendLine("[client]")
            .AppendLine(CultureInfo.InvariantCulture, $"host={_connection.Server}")
            .AppendLine(CultureInfo.InvariantCulture, $"port={_connection.Port}")
            .AppendLine(CultureInfo.InvariantCulture, $"user={_connection.UserID}")
            .AppendLine(CultureInfo.InvariantCulture, $"password=\"{_connection.Password.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal)}\"")
            .AppendLine("protocol=tcp")
            .ToString();
        var fileOptions = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            fileOptions.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var file = new StreamWriter(path, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), fileOptions))
        {
            file.Write(text);
        }

        return path;
    }
}
