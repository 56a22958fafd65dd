using AppHost;
using AppHost.Hosting;
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
        var own = ProcessTree.NicenessOf(Environment.ProcessId) ?? 0;
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

    /// <summary>Niceness is per thread on Linux, so every thread is asked; one that ended meanwhile has none.</summary>
    private static List<int> ThreadNiceness(int pid) => [.. ProcessTree.Threads(pid).Select(ProcessTree.NicenessOf).OfType<int>()];
}
