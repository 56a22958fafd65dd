using System.Globalization;

namespace Pipeline.Benchmark;

/// <summary>
/// Where the CPU went during a phase, per process of the stack and for the benchmark itself: utime + stime from
/// /proc/&lt;pid&gt;/stat before and after, as a share of one core. On a 2-core machine this is the simplest profile that
/// says which hop is the bottleneck.
/// </summary>
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

    public static CpuUse Start(IEnumerable<(string Name, int Pid)> processes) =>
        new([.. processes, ("benchmark client", Environment.ProcessId)]);

    /// <summary>Percent of one core per process since the start, largest first.</summary>
    public string Stop()
    {
        var seconds = (DateTime.UtcNow - _started).TotalSeconds;
        return string.Join(", ", _processes
            .Select(p => (p.Name, Percent: (Ticks(p.Pid) - _start[p.Name]) / TicksPerSecond / seconds * 100))
            .OrderByDescending(p => p.Percent)
            .Select(p => FormattableString.Invariant($"{p.Name} {p.Percent:F0}%")));
    }

    private static long Ticks(int pid)
    {
        try
        {
            // The command name in parentheses may hold spaces; the fields after it are fixed.
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return 0;
        }
    }
}
