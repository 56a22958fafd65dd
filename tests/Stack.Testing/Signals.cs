using System.Runtime.InteropServices;

namespace Stack.Testing;

/// <summary>Signals for the fault tests, sent straight to a pid.</summary>
public static partial class Signals
{
    public const int Kill = 9;
    public const int Stop = 19;
    public const int Continue = 18;

    public static bool Send(int pid, int signal) => NativeMethods.Kill(pid, signal) == 0;

    public static bool KillNow(int pid) => Send(pid, Kill);

    private static partial class NativeMethods
    {
        [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
        public static partial int Kill(int pid, int signal);
    }
}
