using System.Diagnostics;

namespace Translation.Worker.Backup;

/// <summary>
/// Runs a database's own command-line tool (dump, client) to its end: its output read whole, its input fed from a
/// callback, killed with its children when cancelled, and a failure reported with the tool's own error text.
/// </summary>
public static class ToolProcess
{
    /// <summary>What the tool wrote to its standard output; throws with its standard error when it exits non-zero.</summary>
    /// <param name="environment">Variables set for the tool only, such as where its credentials file is.</param>
    /// <param name="missingHint">Said when the tool cannot be started at all: which package to install or which setting names it.</param>
    public static async Task<string> RunAsync(
        string tool,
        IEnumerable<string> arguments,
        IReadOnlyDictionary<string, string>? environment,
        Func<Stream, CancellationToken, Task>? input,
        string missingHint,
        CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(tool)
        {
            RedirectStandardInput = input is not null,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException($"{tool} did not start.");
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new InvalidOperationException($"{tool} could not be run ({ex.Message}); {missingHint}", ex);
        }

        using (process)
        {
            var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
            var error = process.StandardError.ReadToEndAsync(cancellationToken);
            try
            {
                if (input is not null)
                {
                    try
                    {
                        await input(process.StandardInput.BaseStream, cancellationToken);
                        process.StandardInput.Close();
                    }
                    catch (IOException)
                    {
                        // A tool that failed stops reading: its own message below says why, the broken pipe does not.
                        await process.WaitForExitAsync(cancellationToken);
                        if (process.ExitCode == 0)
                        {
                            throw;
                        }
                    }
                }

                await process.WaitForExitAsync(cancellationToken);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw;
            }

            return process.ExitCode == 0
                ? await output
                : throw new InvalidOperationException($"{Path.GetFileName(tool)} exited with {process.ExitCode}: {(await error).Trim()}");
        }
    }
}
