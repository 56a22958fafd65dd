using Fault.Suite;
using Persistence.Contracts;
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
        await RunCleanAsync(FaultOptions.Quick(), FaultOptions.AllFaults);
    }

    /// <summary>
    /// Only the database's own faults differ between backends, so the PostgreSQL stack runs those two and keeps CI's
    /// time; under the mixed load, so that CI runs both shapes.
    /// </summary>
    [Fact]
    [Trait("Category", "Faults")]
    public async Task On_postgres_a_stopped_or_slow_database_loses_duplicates_and_regresses_nothing()
    {
        var options = FaultOptions.Quick();
        options.Database = StorageBackends.PostgreSql;
        options.Shape = LoadShape.Mixed;
        options.Faults.Clear();
        options.Faults.AddRange(FaultOptions.DatabaseFaults);
        await RunCleanAsync(options, FaultOptions.DatabaseFaults);
    }

    private async Task RunCleanAsync(FaultOptions options, IReadOnlyList<string> expectedFaults)
    {
        using var log = new StringWriter();
        IReadOnlyList<FaultResult> results;
        await using (var runner = new FaultRunner(options, log))
        {
            results = await runner.RunAsync(CancellationToken.None);
        }

        FaultResult.Print(results, log);
        output.WriteLine(log.ToString());
        Assert.Equal(expectedFaults, results.Select(r => r.Fault));
        Assert.All(results, r => Assert.True(r.Clean, log.ToString()));
        Assert.All(results, r => Assert.True(r.States > 1000, $"{r.Fault} had only {r.States} states accepted; the load did not run.\n{log}"));
    }
}
