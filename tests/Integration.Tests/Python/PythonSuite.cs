using System.Diagnostics;
using System.Text;
using AppHost;

namespace Integration.Tests.Python;

/// <summary>
/// Runs the Python client's unittest suite (clients/python/tests) as a child process against a stack: the gateway's
/// address and key go in through the environment, as the package's README says. A fault test asks for an action on
/// the stack by writing <c>@@control ACTION</c> on its stdout and waits for <c>ok</c> on its stdin (unittest reports
/// on stderr), so the stack's owner, this process, stops and starts what it asks for.
/// </summary>
internal static class PythonSuite
{
    public const string ControlPrefix = "@@control ";

    public static string PackageDirectory { get; } = Path.Combine(BuildOutput.RepositoryRoot, "clients", "python");

    /// <summary>Runs <c>python3 -m unittest discover -s tests -p PATTERN -v</c> in the package's folder.</summary>
    public static async Task<PythonRun> RunAsync(
        StackFixture stack, string pattern, IReadOnlyDictionary<string, string>? environment = null,
        Func<string, Task>? control = null, TimeSpan? timeout = null)
    {
        var startInfo = new ProcessStartInfo(await TestPrograms.PythonAsync())
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = PackageDirectory,
        };
        foreach (var argument in new[] { "-m", "unittest", "discover", "-s", "tests", "-p", pattern, "-v" })
        {
            startInfo.ArgumentList.Add(argument);
        }

        startInfo.Environment["PERSISTENCE_URL"] = stack.GatewayEndpoints[0].ToString();
        startInfo.Environment["PERSISTENCE_API_KEY"] = stack.ApiKey;
        startInfo.Environment["PYTHONUNBUFFERED"] = "1";
        startInfo.Environment["PYTHONDONTWRITEBYTECODE"] = "1";
        if (control is not null)
        {
            startInfo.Environment["PERSISTENCE_CONTROL"] = "stdio";
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            startInfo.Environment[key] = value;
        }

        using var process = Process.Start(startInfo) ?? throw new InvalidOperationException("Could not start python3.");
        using var deadline = new CancellationTokenSource(timeout ?? TimeSpan.FromMinutes(10));
        var error = process.StandardError.ReadToEndAsync(deadline.Token);
        var output = new StringBuilder();
        try
        {
            while (await process.StandardOutput.ReadLineAsync(deadline.Token) is { } line)
            {
                if (!line.StartsWith(ControlPrefix, StringComparison.Ordinal))
                {
                    output.AppendLine(line);
                    continue;
                }

                var action = line[ControlPrefix.Length..];
                string answer;
                try
                {
                    await (control ?? throw new InvalidOperationException("no control handler"))(action);
                    answer = "ok";
                }
                catch (Exception ex)
                {
                    answer = $"failed: {ex.GetType().Name}: {ex.Message}".ReplaceLineEndings(" ");
                }

                output.AppendLine($"[driver] {action}: {answer}");
                await process.StandardInput.WriteLineAsync(answer);
                await process.StandardInput.FlushAsync(deadline.Token);
            }

            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"The Python suite ({pattern}) ran past its deadline.\n{output}");
        }

        return new PythonRun(process.ExitCode, output.ToString(), await error);
    }
}

/// <summary>One run of the suite: its exit code, stdout (and the driver's actions), and unittest's report on stderr.</summary>
internal sealed record PythonRun(int ExitCode, string Output, string Report)
{
    /// <summary>Tests unittest ran, from its closing "Ran N tests" line.</summary>
    public int TestsRun =>
        Report.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.StartsWith("Ran ", StringComparison.Ordinal)) is { } ran
            ? int.Parse(ran.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture)
            : 0;

    /// <summary>Whether any test was skipped (a missing variable or tool would otherwise pass silently).</summary>
    public bool Skipped => Report.Contains("skipped", StringComparison.Ordinal);

    public override string ToString() => $"exit {ExitCode}\n--- unittest ---\n{Report}\n--- stdout ---\n{Output}";
}
