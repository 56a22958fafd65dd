using Integration.Tests.Client;
using Persistence.Contracts;
using Xunit.Abstractions;

namespace Integration.Tests.Python;

/// <summary>
/// The Python buffered writer while the platform refuses it, on the client writer stack of its own (one gateway, no
/// supervised restarts): the gateway stopped and started again when the Python test asks, and a key throttled to
/// 429s. Every record must arrive, exactly once, at its newest version.
/// </summary>
[Collection(UnsupervisedStackDefinition.Name)]
public sealed class PythonWriterFaultTests(UnsupervisedStackFixture stack, ITestOutputHelper output)
{
    [Fact]
    public async Task The_python_writer_loses_and_duplicates_nothing_while_the_gateway_is_stopped_and_started_again()
    {
        var run = await PythonSuite.RunAsync(stack, "fault_outage.py", control: action => action switch
        {
            "stop-gateway" => stack.Stack.StopResourceAsync(StackResources.Gateway),
            "start-gateway" => stack.Stack.StartResourceAsync(StackResources.Gateway),
            _ => throw new ArgumentException($"unknown action {action}", nameof(action)),
        });
        output.WriteLine(run.ToString());

        Assert.True(run.ExitCode == 0, $"the Python outage test failed:\n{run}\n{stack.LogTail()}");
        Assert.False(run.Skipped, run.ToString());
        Assert.Contains("[driver] stop-gateway: ok", run.Output, StringComparison.Ordinal);
        Assert.Contains("[driver] start-gateway: ok", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_python_writer_loses_and_duplicates_nothing_when_its_key_is_throttled_with_429s()
    {
        // 1,000 records a second with room for two batches of 500: the writer's 4,001 records hit 429s.
        var key = await new ApiKeyFile(stack).AddAsync("py-throttled-" + Records.Prefix(), [Scopes.Ingest, Scopes.Read], records: (1000, 1000));
        var run = await PythonSuite.RunAsync(stack, "fault_throttled.py", new Dictionary<string, string> { ["PERSISTENCE_THROTTLED_API_KEY"] = key });
        output.WriteLine(run.ToString());

        Assert.True(run.ExitCode == 0, $"the Python throttling test failed:\n{run}\n{stack.LogTail()}");
        Assert.False(run.Skipped, run.ToString());
        Assert.Equal(1, run.TestsRun);
    }
}
