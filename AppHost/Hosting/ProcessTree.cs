using System.Globalization;
using System.Runtime.InteropServices;

namespace AppHost.Hosting;

/// <summary>
/// What <c>/proc</c> tells about the processes the orchestrator started. A project resource's pid is its
/// <c>dotnet run</c> wrapper; the service itself is a child of it, and that is the process a crash test kills and
/// whose priority matters.
/// </summary>
public static partial class ProcessTree
{
    private const int PriorityOfProcess = 0;

    /// <summary>The descendant of <paramref name="root"/> (or itself) that runs <paramref name="assemblyName"/>, if it is up yet.</summary>
    public static int? FindApplication(int root, string assemblyName)
    {
        foreach (var pid in DescendantsAndSelf(root))
        {
            var arguments = CommandLine(pid);
            if (arguments.Count > 0
                && (Path.GetFileName(arguments[0]) == assemblyName || arguments.Any(a => Path.GetFileName(a) == assemblyName + ".dll")))
            {
                return pid;
            }
        }

        return null;
    }

    public static IEnumerable<int> DescendantsAndSelf(int root)
    {
        var children = new Dictionary<int, List<int>>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) && ParentOf(pid) is { } parent)
            {
                (children.TryGetValue(parent, out var list) ? list : children[parent] = []).Add(pid);
            }
        }

        var pending = new Queue<int>([root]);
        while (pending.TryDequeue(out var pid))
        {
            yield return pid;
            foreach (var child in children.GetValueOrDefault(pid) ?? [])
            {
                pending.Enqueue(child);
            }
        }
    }

    /// <summary>
    /// Lowers every thread of <paramref name="pid"/> to AppHost's own niceness plus <paramref name="niceness"/>. Linux
    /// keeps a niceness per thread and a new thread inherits its creator's, so once every thread is lowered all later
    /// ones are too; the loop runs until a pass finds no thread it had not lowered (one may start meanwhile).
    /// </summary>
    public static void Lower(int pid, int niceness)
    {
        var target = Math.Min(19, NativeMethods.GetPriority(PriorityOfProcess, 0) + niceness);
        var lowered = new HashSet<int>();
        while (true)
        {
            var threads = Threads(pid).Where(t => !lowered.Contains(t)).ToList();
            if (threads.Count == 0)
            {
                return;
            }

            foreach (var thread in threads)
            {
                _ = NativeMethods.SetPriority(PriorityOfProcess, thread, target);
                lowered.Add(thread);
            }
        }
    }

    /// <summary>The niceness of one thread (a thread id is a pid to the kernel's priority calls).</summary>
    public static int NicenessOf(int thread) => NativeMethods.GetPriority(PriorityOfProcess, thread);

    public static IEnumerable<int> Threads(int pid)
    {
        try
        {
            return Directory.EnumerateDirectories($"/proc/{pid}/task")
                .Select(d => int.Parse(Path.GetFileName(d), CultureInfo.InvariantCulture))
                .ToList();
        }
        catch (IOException)
        {
            return [];
        }
        catch (UnauthorizedAccessException)
        {
            return [];
        }
    }

    public static bool IsRunning(int pid) => Directory.Exists($"/proc/{pid}");

    private static int? ParentOf(int pid)
    {
        try
        {
            // The command name (field 2) is in parentheses and may hold spaces; the fields after it are plain.
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return int.Parse(fields[1], CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return null;
        }
    }

    private static List<string> CommandLine(int pid)
    {
        try
        {
            return [.. File.ReadAllText($"/proc/{pid}/cmdline").Split('\0', StringSplitOptions.RemoveEmptyEntries)];
        }
        catch (IOException)
        {
            return [];
        }
    }

    private static partial class NativeMethods
    {
        [LibraryImport("libc", EntryPoint = "setpriority", SetLastError = true)]
        public static partial int SetPriority(int which, int who, int priority);

        [LibraryImport("libc", EntryPoint = "getpriority", SetLastError = true)]
        public static partial int GetPriority(int which, int who);
    }
}
