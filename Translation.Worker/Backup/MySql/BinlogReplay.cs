using System.Diagnostics;
using System.Globalization;
using Persistence.Contracts;

namespace Translation.Worker.Backup.MySql;

/// <summary>How far a point-in-time restore goes: up to a time (UTC, to the second), or to the end of the archive.</summary>
public sealed record PointInTime(DateTimeOffset? Until)
{
    public static PointInTime Latest { get; } = new((DateTimeOffset?)null);

    /// <summary>
    /// The first second the replay leaves out. The log stamps each event with the whole second its statement started, so
    /// a restore to T replays every transaction stamped with T's second or earlier, and nothing stamped later.
    /// </summary>
    public DateTime? StopBefore => Until is { } until
        ? new DateTime(until.UtcDateTime.Ticks - (until.UtcDateTime.Ticks % TimeSpan.TicksPerSecond), DateTimeKind.Utc).AddSeconds(1)
        : null;
}

/// <summary>What a replay applied: the archived files it read and how long it took.</summary>
public sealed record BinlogReplayReport(int Files, long Bytes, PointInTime Target, TimeSpan Duration);

/// <summary>
/// Replays the archived binary log on top of a restored base backup: from the GTID position the dump recorded (so not
/// one transaction twice, none missed) to a time or the end, only the application database's events, through the
/// ordinary client as an account with BINLOG REPLAY. The archive folder comes from <c>Backup:BinlogArchive</c>.
/// </summary>
public sealed class BinlogReplay(BackupOptions options, MySqlTools? replayTools, TimeProvider time)
{
    /// <summary>The connection string, <c>ConnectionStrings:binlog-replay</c>, of the account the log is replayed as.</summary>
    public const string ConnectionName = "binlog-replay";

    public async Task<BinlogReplayReport> ReplayAsync(BinlogPosition from, PointInTime target, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(options.BinlogArchive))
        {
            throw new InvalidOperationException($"No binary-log archive: set {BackupOptions.SectionName}:{nameof(BackupOptions.BinlogArchive)} or pass --archive DIR.");
        }

        var tools = replayTools ?? throw new InvalidOperationException(
            $"ConnectionStrings:{ConnectionName} is not set: the replay needs an account with BINLOG REPLAY on the application database (the AppHost creates one).");
        var folder = Path.Combine(options.BinlogArchive, BinlogArchiveLayout.ServerFolder(from.ServerId));
        var files = BinlogArchiveLayout.Files(folder).Where(f => string.CompareOrdinal(Path.GetFileName(f), from.File) >= 0).ToList();
        if (files.Count == 0 || Path.GetFileName(files[0]) != from.File)
        {
            throw new InvalidOperationException($"The archive {folder} has no {from.File}, where the backup's binary log continues: it cannot be replayed from this backup.");
        }

        var started = time.GetTimestamp();
        var start = new ProcessStartInfo(options.BinlogTool)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        // The tool reads --stop-datetime in its own time zone; everything here is UTC.
        start.Environment["TZ"] = "UTC";
        foreach (var argument in Arguments(from, target, tools.Database, files))
        {
            start.ArgumentList.Add(argument);
        }

        using var reader = Process.Start(start) ?? throw new InvalidOperationException($"{options.BinlogTool} did not start.");
        var errors = reader.StandardError.ReadToEndAsync(cancellationToken);
        try
        {
            await tools.ReplayAsync(reader.StandardOutput.BaseStream, cancellationToken);
            await reader.WaitForExitAsync(cancellationToken);
        }
        finally
        {
            if (!reader.HasExited)
            {
                reader.Kill(entireProcessTree: true);
            }
        }

        if (reader.ExitCode != 0)
        {
            throw new InvalidOperationException($"{Path.GetFileName(options.BinlogTool)} exited with {reader.ExitCode}: {(await errors).Trim()}");
        }

        return new BinlogReplayReport(files.Count, files.Sum(f => new FileInfo(f).Length), target, time.GetElapsedTime(started));
    }

    private static IEnumerable<string> Arguments(BinlogPosition from, PointInTime target, string database, IReadOnlyList<string> files)
    {
        yield return "--no-defaults";
        // After the dump's snapshot: its GTID position, or on a log without GTIDs yet the file offset.
        yield return from.Gtid.Length > 0 ? $"--start-position={from.Gtid}" : string.Create(CultureInfo.InvariantCulture, $"--start-position={from.Position}");
        // The application's tables only: the log also holds the account statements of the server's init file.
        yield return $"--database={database}";
        // A restored server's log carries the replayed transactions under their old GTIDs beside its own.
        yield return "--skip-gtid-strict-mode";
        if (target.StopBefore is { } stop)
        {
            yield return $"--stop-datetime={stop.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)}";
        }

        foreach (var file in files)
        {
            yield return file;
        }
    }
}
