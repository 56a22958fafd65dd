using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Pipeline.Benchmark;

/// <summary>
/// Sleeps the calling thread until a point on a stopwatch, to within tens of microseconds on Linux. The runtime's
/// timers tick in whole milliseconds: an open loop paced by <c>Task.Delay(1)</c> started its sends 2.0 ms late at
/// the median (0.2 ms with this), and every latency it reported carried that.
/// </summary>
internal static partial class Pacer
{
    public static void SleepUntil(Stopwatch clock, TimeSpan due)
    {
        // A signal (SIGCHLD from the stack's processes) ends a sleep early; sleeping again for what is left keeps a
        // send from starting before its time, which would understate its latency.
        TimeSpan wait;
        while ((wait = due - clock.Elapsed) > TimeSpan.Zero)
        {
            if (!OperatingSystem.IsLinux())
            {
                Thread.Sleep(wait < TimeSpan.FromMilliseconds(1) ? TimeSpan.FromMilliseconds(1) : wait);
                continue;
            }

            var interval = new TimeSpec(wait.Ticks / TimeSpan.TicksPerSecond, wait.Ticks % TimeSpan.TicksPerSecond * 100);
            _ = NanoSleep(in interval, IntPtr.Zero);
        }
    }

    [StructLayout(LayoutKind.Sequential)]
    private readonly record struct TimeSpec(long Seconds, long Nanoseconds);

    [LibraryImport("libc", EntryPoint = "nanosleep")]
    private static partial int NanoSleep(in TimeSpec request, IntPtr remaining);
}
