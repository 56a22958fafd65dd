using System.Globalization;

namespace Pipeline.Benchmark;

/// <summary>
/// Where the CPU went during a phase, per process of the stack and for the benchmark itself: from /proc/&lt;pid&gt;/stat
/// before and after, as a share of one core. On a 2-core machine this is the simplest profile that says which hop is
/// the bottleneck.
/// </summary>
/// <remarks>
/// A process's own time (utime + stime) misses the work it hands to children: Redis forks for every append-only-file
/// rewrite and BGSAVE, and the fork copies and writes the whole data set. That time is counted too, twice over so
/// neither half is lost: a child the parent has reaped is in the parent's cutime + cstime (the kernel adds it there on
/// waitpid), and a child still running is read from its own stat (found by its parent pid), so a rewrite that spans
/// the end of a phase is counted up to that end, and one that spans its start from that start.
/// </remarks>
public sealed class CpuUse
{
    // USER_HZ, 100 on every Linux the stack runs on.
    private const double TicksPerSecond = 100;

    private readonly IReadOnlyList<(string Name, int Pid)> _processes;
    private readonly Dictionary<string, long> _start;
    private readonly DateTime _started = DateTime.UtcNow;

    private CpuUse(IReadOnlyList<(string Name, int Pid)> processes)
    {
        _processes = processes;
        _start = processes.ToDictionary(p => p.Name, p => Ticks(p.Pid));
    }

    /// <summary>The name the benchmark's own process is listed under (the load client, and the naive API it hosts).</summary>
    public const string Client = "benchmark client";

    public static CpuUse Start(IEnumerable<(string Name, int Pid)> processes) =>
        new([.. processes, (Client, Environment.ProcessId)]);

    /// <summary>Percent of one core per process since the start, largest first.</summary>
    public string Stop()
    {
        var seconds = (DateTime.UtcNow - _started).TotalSeconds;
        return string.Join(", ", Seconds()
            .Select(p => (p.Key, Percent: p.Value / seconds * 100))
            .OrderByDescending(p => p.Percent)
            .Select(p => FormattableString.Invariant($"{p.Key} {p.Percent:F0}%")));
    }

    /// <summary>CPU seconds per process (its reaped and running children included) since the start.</summary>
    public IReadOnlyDictionary<string, double> Seconds() =>
        _processes.ToDictionary(p => p.Name, p => (Ticks(p.Pid) - _start[p.Name]) / TicksPerSecond);

    private static long Ticks(int pid)
    {
        var own = Stat(pid);
        if (own is null)
        {
            return 0;
        }

        // utime, stime, cutime, cstime: fields 14 to 17 of stat(5), 11 to 14 after the command name.
        var total = Field(own, 11) + Field(own, 12) + Field(own, 13) + Field(own, 14);
        foreach (var child in Children(pid))
        {
            if (Stat(child) is { } stat)
            {
                total += Field(stat, 11) + Field(stat, 12) + Field(stat, 13) + Field(stat, 14);
            }
        }

        return total;
    }

    /// <summary>Running children of <paramref name="pid"/>: /proc/&lt;pid&gt;/task/*/children needs a kernel option this machine lacks, so by parent pid.</summary>
    private static IEnumerable<int> Children(int pid)
    {
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(directory), CultureInfo.InvariantCulture, out var candidate)
                && candidate != pid
                && Stat(candidate) is { } stat
                && Field(stat, 1) == pid)
            {
                yield return candidate;
            }
        }
    }

    /// <summary>The fields after the command name (which is in parentheses and may hold spaces), or null once the process is gone.</summary>
    private static string[]? Stat(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static long Field(string[] fields, int index) => long.Parse(fields[index], CultureInfo.InvariantCulture);
}
