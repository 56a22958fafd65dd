using System.Globalization;
using System.Runtime.InteropServices;

namespace Pipeline.Benchmark;

/// <summary>What the figures were measured on, read from /proc so the report carries it.</summary>
public sealed record Machine(string Cpu, int LogicalCores, double MemoryGiB, string LoadAverage, string Os, string Runtime)
{
    public static Machine Read()
    {
        var cpuinfo = File.ReadAllLines("/proc/cpuinfo");
        var model = cpuinfo.FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown";
        var cores = cpuinfo.Count(l => l.StartsWith("processor", StringComparison.Ordinal));
        var memTotal = File.ReadAllLines("/proc/meminfo").First(l => l.StartsWith("MemTotal:", StringComparison.Ordinal));
        var kib = double.Parse(memTotal.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
        return new Machine(model, cores, Math.Round(kib / 1024 / 1024, 1), LoadNow(), RuntimeInformation.OSDescription, RuntimeInformation.FrameworkDescription);
    }

    /// <summary>The 1, 5 and 15 minute load averages.</summary>
    public static string LoadNow() => string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
}
