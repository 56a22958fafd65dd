using System.Globalization;
using System.Runtime.InteropServices;

namespace AppHost.Hosting;

/// <summary>What <c>/proc</c> and the kernel tell about a process the orchestrator started: for the tests and tools that check on it.</summary>
public static partial class ProcessTree
{
    private const int PriorityOfProcess = 0;

    public const int Interrupt = 2;

    public static bool IsRunning(int pid) => Directory.Exists($"/proc/{pid}");

    /// <summary>Sends <paramref name="signal"/> to the process; false if it is gone.</summary>
    public static bool Signal(int pid, int signal) => NativeMethods.Kill(pid, signal) == 0;

    /// <summary>The ids of the process's threads (Linux keeps a niceness per thread).</summary>
    public static IReadOnlyList<int> Threads(int pid)
    {
        try
        {
            return [.. Directory.EnumerateDirectories($"/proc/{pid}/task").Select(d => int.Parse(Path.GetFileName(d), CultureInfo.InvariantCulture))];
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }

    /// <summary>The niceness of one thread (a thread id is a pid to the kernel's priority calls), or null once it ended.</summary>
    public static int? NicenessOf(int thread)
    {
        Marshal.SetLastPInvokeError(0);
        var niceness = NativeMethods.GetPriority(PriorityOfProcess, thread);
        // -1 is both a valid niceness and the error return; errno tells them apart.
        return niceness == -1 && Marshal.GetLastPInvokeError() != 0 ? null : niceness;
    }

    private static partial class NativeMethods
    {
        [LibraryImport("libc", EntryPoint = "getpriority", SetLastError = true)]
        public static partial int GetPriority(int which, int who);

        [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
        public static partial int Kill(int pid, int signal);
    }
}
