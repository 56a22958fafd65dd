using System.Globalization;
using Npgsql;
using Translation.Worker.Backup.MySql;

namespace Translation.Worker.Backup.PostgreSql;

/// <summary>
/// <c>pg_dump</c> and <c>psql</c> against the database of a connection string. The password reaches them in an
/// owner-only password file named by <c>PGPASSFILE</c>, never on the command line or in the environment.
/// </summary>
public sealed class PostgreSqlDump(BackupOptions options, string connectionString) : DatabaseDump
{
    private const string MissingHint = "install the PostgreSQL client tools (postgresql-client) or set Backup:PostgreSqlDumpTool and Backup:PostgreSqlClientTool.";

    private readonly NpgsqlConnectionStringBuilder _connection = new(connectionString);

    public override string Kind => BackupFile.PostgreSqlDump;

    public override string FileName => "postgres.sql";

    /// <summary>
    /// A plain-text dump: pg_dump reads every table in one repeatable-read snapshot without blocking writers, and
    /// writes each table's drop before its creation so the replay replaces what is there. Owners and grants are left
    /// out, so the restoring role need not be the one that made the backup (it owns what it restores, as after a
    /// migration). PostgreSQL has no binary log to continue from: the result is always null.
    /// </summary>
    public override async Task<BinlogPosition?> WriteAsync(string path, CancellationToken cancellationToken)
    {
        await RunAsync(options.PostgreSqlDumpTool,
            ["--format=plain", "--clean", "--if-exists", "--no-owner", "--no-privileges", "--encoding=UTF8", $"--file={path}"],
            cancellationToken);
        return null;
    }

    /// <summary>
    /// Replays the dump in one transaction: it stops at the first error and then leaves the database as it was, where
    /// a MySQL replay would have replaced the tables before the failing one.
    /// </summary>
    public override Task ReplayAsync(string path, CancellationToken cancellationToken) =>
        RunAsync(options.PostgreSqlClientTool,
            ["--no-psqlrc", "--quiet", "--set=ON_ERROR_STOP=1", "--single-transaction", $"--file={path}"],
            cancellationToken);

    public override async Task<string> ToolVersionAsync(CancellationToken cancellationToken) =>
        (await ToolProcess.RunAsync(options.PostgreSqlDumpTool, ["--version"], environment: null, input: null, MissingHint, cancellationToken)).Trim();

    private async Task RunAsync(string tool, IEnumerable<string> arguments, CancellationToken cancellationToken)
    {
        var passwordFile = Path.Combine(Path.GetTempPath(), $"backup-{Guid.NewGuid():N}.pgpass");
        try
        {
            await using (var file = new StreamWriter(OwnerOnly.Create(passwordFile)))
            {
                // Any host, port, database and user: the file lives for this one run of the tool. libpq reads \ and :
                // as escapes in it.
                await file.WriteAsync($"*:*:*:*:{(_connection.Password ?? "").Replace("\\", "\\\\", StringComparison.Ordinal).Replace(":", "\\:", StringComparison.Ordinal)}\n");
            }

            await ToolProcess.RunAsync(tool, arguments, Environment(passwordFile), input: null, MissingHint, cancellationToken);
        }
        finally
        {
            File.Delete(passwordFile);
        }
    }

    /// <summary>The connection in libpq's variables, set for the tool alone; anything the caller's environment says is overridden.</summary>
    private Dictionary<string, string> Environment(string passwordFile) => new()
    {
        ["PGHOST"] = _connection.Host ?? "localhost",
        ["PGPORT"] = _connection.Port.ToString(CultureInfo.InvariantCulture),
        ["PGDATABASE"] = _connection.Database ?? "",
        ["PGUSER"] = _connection.Username ?? "",
        ["PGPASSFILE"] = passwordFile,
        ["PGPASSWORD"] = "",
        ["PGSSLMODE"] = _connection.SslMode switch
        {
            SslMode.Disable => "disable",
            SslMode.Allow => "allow",
            SslMode.Require => "require",
            SslMode.VerifyCA => "verify-ca",
            SslMode.VerifyFull => "verify-full",
            _ => "prefer",
        },
        ["PGCONNECT_TIMEOUT"] = _connection.Timeout.ToString(CultureInfo.InvariantCulture),
        ["PGAPPNAME"] = "translation-worker backup",
    };
}
