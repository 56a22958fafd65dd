using Integration.Tests.Client;
using Xunit.Abstractions;

namespace Integration.Tests.Python;

/// <summary>
/// The Python client (clients/python) against a real stack: every call, the contract check against the gateway's
/// OpenAPI document, the buffered writer's batching and bounds, building the wheel, and the sample back end. It runs
/// on the client writer stack (one of each process), so the suite's sessions, tasks and translation jobs never meet
/// the shared stack's tests that count rows.
/// </summary>
[Collection(UnsupervisedStackDefinition.Name)]
public sealed class PythonClientTests(UnsupervisedStackFixture stack, ITestOutputHelper output)
{
    [Fact]
    public async Task The_python_client_passes_its_whole_suite_against_the_stack_with_nothing_skipped()
    {
        var run = await PythonSuite.RunAsync(stack, "test_*.py");
        output.WriteLine(run.ToString());

        Assert.True(run.ExitCode == 0, $"the Python suite failed:\n{run}\n{stack.LogTail()}");
        Assert.False(run.Skipped, $"a Python test was skipped:\n{run}");
        Assert.True(run.TestsRun >= 40, $"only {run.TestsRun} Python tests ran:\n{run}");
    }
}
