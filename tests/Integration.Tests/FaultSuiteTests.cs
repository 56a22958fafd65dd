using Fault.Suite;
using Xunit.Abstractions;

namespace Integration.Tests;

/// <summary>
/// The fault suite's quick variant on a stack of its own: every fault once, briefly, under steady load. The long
/// variant is `dotnet run --project tests/Fault.Suite`.
/// </summary>
public sealed class FaultSuiteTests(ITestOutputHelper output)
{
    [Fact]
    [Trait("Category", "Faults")]
    public async Task Under_every_fault_nothing_accepted_is_lost_duplicated_or_regressed()
    {
        using var log = new StringWriter();
        IReadOnlyList<FaultResult> results;
        await using (var runner = new FaultRunner(FaultOptions.Quick(), log))
        {
            results = await runner.RunAsync(CancellationToken.None);
        }

        FaultResult.Print(results, log);
        output.WriteLine(log.ToString());
        Assert.Equal(FaultOptions.AllFaults, results.Select(r => r.Fault));
        Assert.All(results, r => Assert.True(r.Clean, log.ToString()));
        Assert.All(results, r => Assert.True(r.Accepted > 1000, $"{r.Fault} accepted only {r.Accepted} records; the load did not run.\n{log}"));
    }
}
