using System.Globalization;
using AppHost;
using AppHost.Hosting;

namespace Integration.Tests;

/// <summary>AppHost runs the flush path below the ingest path on a shared machine, in every thread.</summary>
[Collection(StackDefinition.Name)]
public sealed class ProcessPriorityTests(StackFixture stack)
{
    [Fact]
    public void Mariadb_and_the_workers_run_every_thread_at_the_flush_niceness_and_the_ingest_path_at_zero()
    {
        var flushNiceness = new StackOptions().FlushNiceness;
        Assert.InRange(flushNiceness, 1, 19);

        var lowered = new List<string>();
        foreach (var resource in stack.App.Resources)
        {
            // Another test may be restarting a process; the restarted one is checked by the next run.
            if (resource.Process is not { HasExited: false } process)
            {
                continue;
            }

            var expected = resource is MySqlResource || resource is ProjectResource { ServiceName: Topology.Worker } ? flushNiceness : 0;
            var threads = ThreadNiceness(process.Id);

            Assert.NotEmpty(threads);
            Assert.All(threads, nice => Assert.True(nice == expected, $"{resource.Name}: a thread runs at niceness {nice}, expected {expected}."));
            if (expected > 0)
            {
                lowered.Add(resource.Name);
            }
        }

        Assert.Contains(Topology.MySql, lowered);
        Assert.Contains(lowered, name => name.StartsWith(Topology.Worker, StringComparison.Ordinal));
    }

    /// <summary>Niceness is per thread on Linux: field 19 of each <c>/proc/PID/task/TID/stat</c>.</summary>
    private static List<int> ThreadNiceness(int pid)
    {
        var niceness = new List<int>();
        foreach (var task in Directory.EnumerateDirectories($"/proc/{pid}/task"))
        {
            string stat;
            try
            {
                stat = File.ReadAllText(Path.Combine(task, "stat"));
            }
            catch (IOException)
            {
                continue; // The thread ended while we looked.
            }

            // The command name (field 2) may hold spaces and parentheses; the fields after it start at 3 (state).
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            niceness.Add(int.Parse(fields[19 - 3], CultureInfo.InvariantCulture));
        }

        return niceness;
    }
}
