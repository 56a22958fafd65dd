namespace Integration.Tests;

/// <summary>The operator actions the dashboard offers on each resource, run as the dashboard runs them.</summary>
[Collection(StackDefinition.Name)]
public sealed class OperatorCommandTests(StackFixture stack)
{
    [Fact]
    public async Task A_worker_reports_its_migration_status_and_a_garbage_collection_dry_run()
    {
        var worker = stack.Stack.Workers[0];

        var status = await stack.Stack.ExecuteAsync(worker, "migrate-status");
        var dryRun = await stack.Stack.ExecuteAsync(worker, "gc-dry-run");

        Assert.Contains("0001", status, StringComparison.Ordinal);
        Assert.Contains("applied", status, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("would", dryRun, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_worker_writes_a_verifiable_backup_into_the_state_folder_on_command()
    {
        var result = await stack.Stack.ExecuteAsync(stack.Stack.Workers[0], "backup");

        var folder = Assert.Single(System.Text.RegularExpressions.Regex.Matches(result, @"Backed up to (\S+) in")).Groups[1].Value;
        Assert.StartsWith(Path.Combine(stack.StateDirectory, "backups"), folder, StringComparison.Ordinal);
        var (verified, output) = await stack.RunWorkerCommandAsync("restore", "--from", folder, "--verify");
        Assert.True(verified == 0, output);
    }

    [Fact]
    public async Task An_API_replica_flushes_on_command_and_reports_the_streams()
    {
        await stack.PostTasksAsync(Records.Tasks(Records.Prefix(), 5));

        var result = await stack.Stack.ExecuteAsync(stack.Stack.ApiReplicas[0], "flush");

        Assert.StartsWith("200:", result, StringComparison.Ordinal);
        Assert.Contains("\"status\":\"flushed\"", result, StringComparison.Ordinal);
    }
}
