using System.Globalization;
using AppHost;
using Persistence.Contracts;

namespace Integration.Tests;

/// <summary>AppHost runs the flush path below the ingest path on a shared machine, in every thread.</summary>
[Collection(StackDefinition.Name)]
public sealed class ProcessPriorityTests(StackFixture stack)
{
    [Fact]
    public void Mariadb_and_the_workers_run_every_thread_below_the_ingest_path_by_the_flush_niceness()
    {
        // The fixture keeps the default; AppHost runs in this process, so its own niceness is the base (a CI runner
        // may itself run niced), and nice(1) adds to it up to the kernel's 19.
        var flushNiceness = new StackOptions().FlushNiceness;
        Assert.InRange(flushNiceness, 1, 19);
        var own = Niceness(File.ReadAllText("/proc/self/stat"));
        var lowered = Math.Min(own + flushNiceness, 19);

        var checkedLowered = new List<string>();
        foreach (var resource in (string[])[StackResources.Redis, StackResources.MySql, .. stack.Stack.ApiReplicas, .. stack.Stack.Workers, .. stack.Stack.Gateways])
        {
            // The service's own process (under a project's dotnet run wrapper), as AppHost records it.
            var pid = stack.Stack.ProcessId(resource);
            Assert.True(pid is not null, $"{resource} has no process in resources.json.");

            var expected = resource == StackResources.MySql || resource.StartsWith(StackResources.Worker, StringComparison.Ordinal) ? lowered : own;
            var threads = ThreadNiceness(pid.Value);

            Assert.NotEmpty(threads);
            Assert.All(threads, nice => Assert.True(nice == expected, $"{resource}: a thread runs at niceness {nice}, expected {expected}."));
            if (expected == lowered)
            {
                checkedLowered.Add(resource);
            }
        }

        Assert.Contains(StackResources.MySql, checkedLowered);
        Assert.Contains(checkedLowered, name => name.StartsWith(StackResources.Worker, StringComparison.Ordinal));
    }

    /// <summary>Niceness is per thread on Linux, so every <c>/proc/PID/task/TID/stat</c> is read.</summary>
    private static List<int> ThreadNiceness(int pid)
    {
        var niceness = new List<int>();
        try
        {
            foreach (var task in Directory.EnumerateDirectories($"/proc/{pid}/task"))
            {
                try
                {
                    niceness.Add(Niceness(File.ReadAllText(Path.Combine(task, "stat"))));
                }
                catch (IOException)
                {
                    // The thread ended while we looked.
                }
            }
        }
        catch (DirectoryNotFoundException)
        {
            // The process ended while we looked; the assertion on an empty list names it.
        }

        return niceness;
    }

    /// <summary>Field 19 of a stat line; the command name (field 2) may hold spaces and parentheses.</summary>
    private static int Niceness(string stat)
    {
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return int.Parse(fields[19 - 3], CultureInfo.InvariantCulture);
    }
}
