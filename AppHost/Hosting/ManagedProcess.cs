using System.Diagnostics;
using System.Runtime.InteropServices;

namespace AppHost.Hosting;

/// <summary>
/// A child process whose output is written, line by line and prefixed with its resource name, to the console
/// (when asked) and to <c>logs/&lt;name&gt;.log</c> in the state folder.
/// </summary>
public sealed partial class ManagedProcess : IAsyncDisposable
{
    private const int SigKill = 9;
    private const int SigTerm = 15;

    private readonly Process _process;
    private readonly StreamWriter _log;
    private readonly string _prefix;
    private readonly bool _echo;
    private readonly Lock _gate = new();

    private ManagedProcess(Process process, StreamWriter log, string name, bool echo)
    {
        _process = process;
        _log = log;
        _prefix = $"[{name}] ";
        _echo = echo;
    }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    public static ManagedProcess Start(
        string name, string fileName, IEnumerable<string> arguments, IReadOnlyDictionary<string, string> environment,
        string logDirectory, bool echo, string? workingDirectory = null, int niceness = 0)
    {
        // nice(1) execs the program, so the process keeps its pid (and its signals) and every thread it ever starts
        // inherits the priority; lowering it after the start would miss the threads started before.
        var lowered = niceness > 0 && OperatingSystem.IsLinux();
        var startInfo = new ProcessStartInfo(lowered ? Prerequisites.Find("nice") : fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        if (lowered)
        {
            startInfo.ArgumentList.Add("-n");
            startInfo.ArgumentList.Add(niceness.ToString(System.Globalization.CultureInfo.InvariantCulture));
            startInfo.ArgumentList.Add(fileName);
        }

        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment)
        {
            startInfo.Environment[key] = value;
        }

        Directory.CreateDirectory(logDirectory);
        var log = new StreamWriter(Path.Combine(logDirectory, name + ".log"), append: true) { AutoFlush = true };
        var process = new Process { StartInfo = startInfo, EnableRaisingEvents = true };
        var managed = new ManagedProcess(process, log, name, echo);
        process.OutputDataReceived += (_, e) => managed.Write(e.Data);
        process.ErrorDataReceived += (_, e) => managed.Write(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return managed;
    }

    public Task WaitForExitAsync(CancellationToken cancellationToken = default) => _process.WaitForExitAsync(cancellationToken);

    /// <summary>Asks the process to stop (SIGTERM) and kills it if it has not exited within <paramref name="grace"/>.</summary>
    public async Task StopAsync(TimeSpan grace)
    {
        if (_process.HasExited)
        {
            return;
        }

        _ = Signal(_process.Id, SigTerm);
        using var timeout = new CancellationTokenSource(grace);
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            Kill();
            await _process.WaitForExitAsync(CancellationToken.None);
        }
    }

    /// <summary>SIGKILL: the process gets no chance to finish anything, like a crash or an OOM kill.</summary>
    public void Kill()
    {
        if (!_process.HasExited)
        {
            _ = Signal(_process.Id, SigKill);
        }
    }

    public static bool Signal(int processId, int signal) => NativeMethods.Kill(processId, signal) == 0;

    public static void KillIfRunning(int processId) => _ = Signal(processId, SigKill);

    private void Write(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_gate)
        {
            _log.WriteLine(line);
            if (_echo)
            {
                Console.Out.WriteLine(_prefix + line);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(TimeSpan.FromSeconds(10));
        _process.Dispose();
        lock (_gate)
        {
            _log.Dispose();
        }
    }

    private static partial class NativeMethods
    {
        [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
        public static partial int Kill(int pid, int signal);
    }
}
