using System.Diagnostics;
using AppHost;
using Persistence.Contracts;
using StackExchange.Redis;

namespace Integration.Tests;

/// <summary>
/// A worker deployed without a stable slot (no Flush:ConsumerName, as in a plain replica set) joins the group under
/// a name of its own per process. When one dies, the next process never sees that name again, so its entries must
/// be found by their missing heartbeat and taken over, and the dead name must leave the group.
/// </summary>
[Collection(UnsupervisedStackDefinition.Name)]
public sealed class UnnamedWorkerTests(UnsupervisedStackFixture stack)
{
    [Fact]
    public async Task The_successor_of_a_killed_worker_without_a_stable_name_commits_its_entries_and_the_dead_name_leaves_the_group()
    {
        var prefix = Records.Prefix();
        await using var redis = await ConnectionMultiplexer.ConnectAsync(stack.RedisConnectionString);
        var database = redis.GetDatabase();
        await stack.FlushAsync();
        foreach (var worker in stack.Stack.Workers)
        {
            await stack.Stack.StopResourceAsync(worker);
        }

        UnnamedWorker? successor = null;
        try
        {
            string deadName;
            await using (var first = UnnamedWorker.Start(stack))
            await using (await WriteOutage.BeginAsync(stack.DatabaseConnectionString, "translation_tasks"))
            {
                deadName = first.ConsumerName;
                await Reads.AcceptedAsync(stack.PostTasksAsync(Records.Tasks(prefix, 10)));
                // The request is one entry (one entry per request and shard).
                await WaitUntilAsync(async () => (await HeldAsync(database, deadName)) == 1, TimeSpan.FromSeconds(60), $"{deadName} never held the request's entry.\n{first.Output}");
                first.Kill();
            }

            successor = UnnamedWorker.Start(stack);
            var started = Stopwatch.StartNew();
            await using var db = stack.OpenDatabase();
            await WaitUntilAsync(
                async () => await Rows.CountAsync(db, "translation_tasks", "task_id", prefix) == 10,
                TimeSpan.FromSeconds(60),
                $"The successor did not commit the dead worker's entries.\n{successor.Output}");
            // Start-up included (the process migrates before it flushes); the hand-over itself is the heartbeat's lifetime.
            Assert.True(started.Elapsed < TimeSpan.FromSeconds(30), $"Took {started.Elapsed.TotalSeconds:F1} s.");

            await WaitUntilAsync(
                async () => !(await database.StreamConsumerInfoAsync(PersistenceStreams.Tasks, PersistenceStreams.ConsumerGroup)).Any(c => c.Name == deadName),
                TimeSpan.FromSeconds(20),
                $"{deadName} is still a consumer 20 s after its successor took over.");
        }
        finally
        {
            if (successor is not null)
            {
                await successor.DisposeAsync();
            }

            foreach (var worker in stack.Stack.Workers.Where(w => stack.Stack.ProcessId(w) is null))
            {
                await stack.Stack.StartResourceAsync(worker);
            }
        }
    }

    private static async Task<int> HeldAsync(IDatabase database, string consumer) =>
        (await database.StreamPendingMessagesAsync(PersistenceStreams.Tasks, PersistenceStreams.ConsumerGroup, 10_000, consumer)).Length;

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string failure)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, failure);
            await Task.Delay(100);
        }
    }

    /// <summary>A worker process started by hand against the stack's Redis and MySQL, with no consumer name given.</summary>
    private sealed class UnnamedWorker : IAsyncDisposable
    {
        private readonly Process _process;
        private readonly System.Text.StringBuilder _output = new();

        private UnnamedWorker(Process process) => _process = process;

        /// <summary>The name the worker gives itself: host and process id.</summary>
        public string ConsumerName => $"{Environment.MachineName}-{_process.Id}";

        public string Output
        {
            get
            {
                lock (_output)
                {
                    return _output.ToString();
                }
            }
        }

        public static UnnamedWorker Start(StackFixture stack)
        {
            var assembly = BuildOutput.AssemblyPath(Path.Combine(BuildOutput.RepositoryRoot, "Translation.Worker", "Translation.Worker.csproj"));
            var start = new ProcessStartInfo(BuildOutput.DotnetHost, [assembly])
            {
                WorkingDirectory = Path.GetDirectoryName(assembly),
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            start.Environment["ConnectionStrings__" + StackResources.Redis] = stack.RedisConnectionString;
            start.Environment["ConnectionStrings__" + StackResources.Database] = stack.DatabaseConnectionString;
            start.Environment["ASPNETCORE_URLS"] = "http://127.0.0.1:0";
            // One consumer, so the process's name is the one that holds its entries.
            start.Environment["Flush__FlushersPerStream"] = "1";
            var worker = new UnnamedWorker(Process.Start(start)!);
            worker._process.OutputDataReceived += worker.Append;
            worker._process.ErrorDataReceived += worker.Append;
            worker._process.BeginOutputReadLine();
            worker._process.BeginErrorReadLine();
            return worker;
        }

        /// <summary>SIGKILL: no drain, no goodbye; its heartbeat simply stops being renewed.</summary>
        public void Kill()
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }

        public async ValueTask DisposeAsync()
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }

            _process.Dispose();
        }

        private void Append(object sender, DataReceivedEventArgs line)
        {
            lock (_output)
            {
                _output.AppendLine(line.Data);
            }
        }
    }
}
