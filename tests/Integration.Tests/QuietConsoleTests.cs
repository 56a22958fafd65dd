using System.Text.RegularExpressions;

namespace Integration.Tests;

/// <summary>
/// The console is for people: once the stack is ready, an idle one stays quiet, so the ready table and the API key
/// do not scroll away. Health-check pings, connection chatter and other per-poll lines stay below Information;
/// warnings and errors still show.
/// </summary>
[Collection(StackDefinition.Name)]
public sealed partial class QuietConsoleTests(StackFixture stack)
{
    /// <summary>Longer than every poll and health-check period of the services (the longest, trimming, is 10 s).</summary>
    private static readonly TimeSpan Idle = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task An_idle_stack_writes_nothing_to_the_console_below_a_warning_for_thirty_seconds()
    {
        // Whatever earlier tests sent is committed first, so what follows is the stack at rest.
        await stack.FlushAsync();
        string[] services = [.. stack.Stack.ApiReplicas, .. stack.Stack.Workers, .. stack.Stack.Gateways];
        var starts = services.ToDictionary(s => s, s => new FileInfo(LogFile(s)).Length);

        await Task.Delay(Idle);

        var chatter = new List<string>();
        foreach (var service in services)
        {
            await using var file = new FileStream(LogFile(service), FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            file.Seek(starts[service], SeekOrigin.Begin);
            using var reader = new StreamReader(file);
            var written = await reader.ReadToEndAsync();
            chatter.AddRange(written.Split('\n').Where(line => BelowWarning().IsMatch(line)).Select(line => $"[{service}] {line}"));
        }

        Assert.True(chatter.Count == 0, $"An idle stack wrote {chatter.Count} lines below Warning in {Idle.TotalSeconds} s:\n{string.Join('\n', chatter.Take(20))}");
    }

    private string LogFile(string resource) => Path.Combine(stack.Stack.LogDirectory, resource + ".log");

    /// <summary>The console formatter's level marker after the orchestrator's timestamp: info, dbug or trce.</summary>
    [GeneratedRegex(@"^\S+ (info|dbug|trce): ")]
    private static partial Regex BelowWarning();
}
