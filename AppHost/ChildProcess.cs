using System.Diagnostics;

namespace AppHost;

/// <summary>
/// A short-lived command (the gateway's key minting, a worker's operator command, mariadb-install-db, initdb), its output
/// read on both pipes at once so neither can fill up and stall it, and killed with its children if the caller gives up.
/// </summary>
public static class ChildProcess
{
    public static Task<(int ExitCode, string Output, string Error)> RunAsync(
        string fileName,
        IEnumerable<string> arguments,
        IReadOnlyDictionary<string, string>? environment = null,
        string? workingDirectory = null,
        CancellationToken cancellationToken = default) =>
        RunAsync(fileName, arguments, environment, workingDirectory, standardInput: null, cancellationToken);

    /// <summary>The same, with <paramref name="standardInput"/> written to the command's standard input, then closed.</summary>
    public static Task<(int ExitCode, string Output, string Error)> RunWithInputAsync(
        string fileName, IEnumerable<string> arguments, string standardInput, CancellationToken cancellationToken = default) =>
        RunAsync(fileName, arguments, environment: null, workingDirectory: null, standardInput, cancellationToken);

    private static async Task<(int ExitCode, string Output, string Error)> RunAsync(
        string fileName,
        IEnumerable<string> arguments,
        IReadOnlyDictionary<string, string>? environment,
        string? workingDirectory,
        string? standardInput,
        CancellationToken cancellationToken)
    {
        var startInfo = new ProcessStartInfo(fileName)
        {
            RedirectStandardInput = standardInput is not null,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            startInfo.Environment[key] = value;
        }

        using var process = Process.Start(startInfo) ?? throw new InvalidOperationException($"Could not start {fileName}.");
        try
        {
            var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
            var error = process.StandardError.ReadToEndAsync(cancellationToken);
            if (standardInput is not null)
            {
                // What must not be on a command line, which any local user can read, goes in by the pipe.
                await process.StandardInput.WriteAsync(standardInput.AsMemory(), cancellationToken);
                process.StandardInput.Close();
            }

            await process.WaitForExitAsync(cancellationToken);
            return (process.ExitCode, await output, await error);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
    }
}
