using System.Collections.Concurrent;
using System.Text.Json;
using AppHost;

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
    public async Task A_worker_writes_a_verifiable_backup_into_the_state_folder_on_command_and_no_password_shows_on_a_command_line()
    {
        var secrets = JsonSerializer.Deserialize<StateSecrets>(await File.ReadAllTextAsync(Path.Combine(stack.StateDirectory, StateSecrets.FileName)))!;
        string[] passwords = [secrets.RedisPassword, secrets.MySqlPassword, secrets.MySqlRootPassword];
        // Every process's command line is readable by any local user (/proc/<pid>/cmdline): sample them all while the
        // command runs, the worker it starts and whatever that starts (mariadb-dump).
        using var stop = new CancellationTokenSource();
        var seen = new ConcurrentBag<string>();
        var sampler = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                foreach (var process in Directory.EnumerateDirectories("/proc"))
                {
                    try
                    {
                        var line = (await File.ReadAllTextAsync(Path.Combine(process, "cmdline"))).Replace('\0', ' ');
                        if (line.Contains(" backup --to ", StringComparison.Ordinal) || passwords.Any(p => line.Contains(p, StringComparison.Ordinal)))
                        {
                            seen.Add(line);
                        }
                    }
                    catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                    {
                        // Gone meanwhile, or not ours to read.
                    }
                }

                await Task.Delay(5);
            }
        });

        var result = await stack.Stack.ExecuteAsync(stack.Stack.Workers[0], "backup");
        await stop.CancelAsync();
        await sampler;

        Assert.Contains(seen, line => line.Contains(" backup --to ", StringComparison.Ordinal));
        Assert.DoesNotContain(seen, line => passwords.Any(p => line.Contains(p, StringComparison.Ordinal)));

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
