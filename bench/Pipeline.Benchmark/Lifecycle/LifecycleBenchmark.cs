using System.Diagnostics;
using MySqlConnector;
using static Pipeline.Benchmark.Report;

namespace Pipeline.Benchmark.Lifecycle;

/// <summary>
/// Issue 24's lifecycle workload (<c>--only lifecycle</c>): the same sessions, sent by the same SDK writer, through the
/// pipeline and into the naive API, per client batch size; what each commits end to end, the rows MariaDB writes and
/// the CPU every process spends per state change, and the pipeline's visibility lag and ingest latency at half its
/// rate. See docs/benchmarks.md, "Lifecycle workload", for the definitions.
/// </summary>
public sealed class LifecycleBenchmark(BenchPlatform stack, BenchOptions options, Report report, Action<string> log)
{
    private const string NaiveTasks = "bench_naive_tasks";
    private const string NaiveSessions = "bench_naive_sessions";

    private readonly string _runId = Guid.NewGuid().ToString("N")[..6];
    private readonly LifecycleLoad _load = new(new StateClock());
    private int _phase;

    public async Task RunAsync()
    {
        await using (var connection = new MySqlConnection(stack.MySql))
        {
            await connection.OpenAsync();
            await using var create = new MySqlCommand(
                $"DROP TABLE IF EXISTS {NaiveTasks}, {NaiveSessions}; CREATE TABLE {NaiveTasks} LIKE translation_tasks; CREATE TABLE {NaiveSessions} LIKE translation_sessions",
                connection);
            await create.ExecuteNonQueryAsync();
        }

        var fill = new LifecycleTablesFill(stack.MySql, _runId);
        await using var naive = await LocalApi.StartNaiveLifecycleAsync(stack.MySql, NaiveTasks, NaiveSessions);
        var duration = TimeSpan.FromSeconds(options.Duration);
        report.Notes.Add(Invariant($"Lifecycle: sessions of {LifecycleSession.Tasks} tasks, {LifecycleSession.StatesPerSession:N0} state changes each ({LifecycleSession.TaskStates:N0} task, {LifecycleSession.SessionStates} session), {LifecycleSession.Lanes} tasks at a time, translation times log-uniform {LifecycleSession.ShortestGap.TotalMilliseconds}–{LifecycleSession.LongestGap.TotalMilliseconds} ms; {options.LifecycleSessions} sessions at once for {options.Duration} s per maximum, {options.LifecycleWriters} SDK writers (PersistenceWriter, capacity {WriterPool.Capacity:N0} per kind)."));

        // The in-process naive API and the stack's sessions route compile on first use, not inside a measured phase.
        log("Lifecycle: warming up both designs …");
        foreach (var (address, headers) in ((Uri, IReadOnlyDictionary<string, string>)[])[(stack.GatewayAddress, stack.GatewayHeaders), (naive.BaseAddress, new Dictionary<string, string>())])
        {
            await using var pool = new WriterPool(address, headers, options.LifecycleWriters, 100);
            await _load.ClosedAsync(pool, Prefix(), Math.Min(16, options.LifecycleSessions), TimeSpan.FromSeconds(Math.Max(5, options.WarmUp / 3)));
            await pool.FlushAsync();
        }

        await stack.DrainAsync(TimeSpan.FromMinutes(15));
        foreach (var batch in options.LifecycleBatches)
        {
            var (tasks, sessions) = await fill.EqualizeAsync(("translation_tasks", NaiveTasks), ("translation_sessions", NaiveSessions), options.LifecyclePreload);
            log(Invariant($"Lifecycle, batch {batch}: tables at {tasks:N0} task and {sessions:N0} session rows each (load {Machine.LoadNow()})"));
            var pipeline = await MaximumAsync("pipeline", batch, stack.GatewayAddress, stack.GatewayHeaders, ("translation_tasks", "translation_sessions"), stack.DrainAsync);
            await fill.EqualizeAsync(("translation_tasks", NaiveTasks), ("translation_sessions", NaiveSessions), options.LifecyclePreload);
            var direct = await MaximumAsync("naive", batch, naive.BaseAddress, new Dictionary<string, string>(), (NaiveTasks, NaiveSessions), _ => Task.CompletedTask);
            Compare(batch, pipeline, direct);
            await HalfRateAsync(batch, pipeline.Rate);
        }

        await using (var connection = new MySqlConnection(stack.MySql))
        {
            await connection.OpenAsync();
            await using var drop = new MySqlCommand($"DROP TABLE IF EXISTS {NaiveTasks}, {NaiveSessions}", connection);
            await drop.ExecuteNonQueryAsync();
        }
    }

    private string Prefix() => Invariant($"lc-{_runId}-{++_phase}-");

    /// <summary>
    /// Sessions at once for the duration, then the running ones to their end; the clock stops when the final state of
    /// every task and session of the phase is in MariaDB (the writers' 202s, then the API's flush barrier for the
    /// pipeline), which the counts of completed rows then confirm.
    /// </summary>
    private async Task<Maximum> MaximumAsync(
        string design, int batch, Uri address, IReadOnlyDictionary<string, string> headers, (string Tasks, string Sessions) tables, Func<TimeSpan, Task> drain)
    {
        log(Invariant($"Lifecycle, batch {batch}, {design}: {options.LifecycleSessions} sessions at once for {options.Duration} s, then to their end and committed"));
        await using var pool = new WriterPool(address, headers, options.LifecycleWriters, batch);
        var prefix = Prefix();
        var before = await ServerCounters.ReadAsync(stack.MySql);
        var cpu = CpuUse.Start(stack.Processes);
        var clock = Stopwatch.StartNew();
        var tally = await _load.ClosedAsync(pool, prefix, options.LifecycleSessions, TimeSpan.FromSeconds(options.Duration));
        var generated = clock.Elapsed;
        await pool.FlushAsync();
        var answered = clock.Elapsed;
        await drain(TimeSpan.FromMinutes(15));
        var committed = clock.Elapsed;
        var cpuSeconds = cpu.Seconds();
        var rows = await ServerCounters.ReadAsync(stack.MySql) - before;
        var (requests, failed) = pool.TakeRequests();
        var (finalTasks, finalSessions) = await CountFinalAsync(tables, prefix);

        var changes = tally.StateChanges;
        var rate = changes / committed.TotalSeconds;
        var name = Invariant($"lifecycle, batch {batch}, {design}");
        log(Invariant($"  {tally.Sessions:N0} sessions, {changes:N0} state changes: generated in {generated.TotalSeconds:F1} s, all answered at {answered.TotalSeconds:F1} s, committed at {committed.TotalSeconds:F1} s: {rate:N0} state changes/s; Handler_write {rows.HandlerWrite:N0}, Handler_update {rows.HandlerUpdate:N0}; final rows {finalTasks:N0} of {tally.Sessions * LifecycleSession.Tasks:N0} tasks, {finalSessions:N0} of {tally.Sessions:N0} sessions; {pool.Undelivered} undelivered, {failed} failed requests"));
        report.Notes.Add(Invariant($"{name}: CPU during the phase (% of one core, children included): {cpu.Stop()}; load {Machine.LoadNow()}."));
        report.Figures.Add(new Figure("lifecycle", Invariant($"{name}, state changes ({tally.Sessions:N0} sessions: {tally.TaskStates:N0} task, {tally.SessionStates:N0} session)"), changes, "changes"));
        report.Figures.Add(new Figure("lifecycle", Invariant($"{name}, last state generated at {generated.TotalSeconds:F1} s, answered at {answered.TotalSeconds:F1} s, committed at"), committed.TotalSeconds, "s"));
        report.Figures.Add(new Figure("lifecycle", $"{name}, ingest (SDK request) p50", Stats.Percentile(requests, 0.5), "ms"));
        report.Figures.Add(new Figure("lifecycle", Invariant($"{name}, ingest (SDK request) p99 ({requests.Count:N0} requests, {failed} failed)"), Stats.Percentile(requests, 0.99), "ms"));
        report.Figures.Add(new Figure("lifecycle", Invariant($"{name}, Handler_write + Handler_update ({rows.HandlerWrite:N0} + {rows.HandlerUpdate:N0})"), rows.HandlerWrite + rows.HandlerUpdate, "rows"));
        var ok = finalTasks == tally.Sessions * LifecycleSession.Tasks && finalSessions == tally.Sessions && pool.Undelivered == 0;
        report.Targets.Add(new TargetCheck(
            $"{name}: every final state committed (no loss, no older state over a newer)",
            Invariant($"{finalTasks:N0} of {tally.Sessions * LifecycleSession.Tasks:N0} tasks and {finalSessions:N0} of {tally.Sessions:N0} sessions completed; {pool.Undelivered} undelivered, {failed} failed requests"),
            ok));
        return new Maximum(changes, rate, rows, cpuSeconds);
    }

    /// <summary>Tasks of the phase whose row is completed, and sessions completed with every task counted.</summary>
    private async Task<(long Tasks, long Sessions)> CountFinalAsync((string Tasks, string Sessions) tables, string prefix)
    {
        await using var connection = new MySqlConnection(stack.MySql);
        await connection.OpenAsync();
        await using var command = new MySqlCommand(
            $"""
            SELECT (SELECT COUNT(*) FROM {tables.Tasks} WHERE task_id LIKE CONCAT(@prefix, '%') AND status = 'completed'),
                   (SELECT COUNT(*) FROM {tables.Sessions} WHERE session_id LIKE CONCAT(@prefix, '%') AND status = 'completed' AND completed_tasks = @tasks)
            """,
            connection)
        {
            CommandTimeout = 900,
        };
        command.Parameters.AddWithValue("@prefix", prefix);
        command.Parameters.AddWithValue("@tasks", LifecycleSession.Tasks);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return (reader.GetInt64(0), reader.GetInt64(1));
    }

    private void Compare(int batch, Maximum pipeline, Maximum naive)
    {
        var name = Invariant($"lifecycle, batch {batch}");
        report.Figures.Add(new Figure("lifecycle", $"{name}, pipeline, committed state changes/s", pipeline.Rate, "changes/s", $"naive, batch {batch}", naive.Rate));
        report.Figures.Add(new Figure("lifecycle", $"{name}, naive, committed state changes/s", naive.Rate, "changes/s"));
        var factor = batch <= 100 ? 1.5 : 1.2;
        var ratio = pipeline.Rate / naive.Rate;
        report.Targets.Add(new TargetCheck(
            Invariant($"{name}: committed state changes/s ≥ {factor}× the naive API's"),
            Invariant($"{pipeline.Rate:N0} against {naive.Rate:N0} = {ratio:F2}×, {ratio / factor:P0} of the target"),
            ratio >= factor));

        var rho = pipeline.Rho;
        report.Figures.Add(new Figure("lifecycle", Invariant($"{name}, pipeline, rows written per state change (rho {rho:F3})"), rho, "rows", "target 0.5", 0.5));
        report.Figures.Add(new Figure("lifecycle", Invariant($"{name}, naive, rows written per state change (rho {naive.Rho:F3})"), naive.Rho, "rows"));
        // rho counts a changed row twice (tried as an insert, then updated): Handler_write alone is the rows handed over.
        report.Figures.Add(new Figure("lifecycle", Invariant($"{name}, pipeline, rows handed to the engine per state change (Handler_write, {pipeline.WritesPerChange:F3})"), pipeline.WritesPerChange, "rows", $"naive, batch {batch}", naive.WritesPerChange));
        report.Figures.Add(new Figure("lifecycle", Invariant($"{name}, naive, rows handed to the engine per state change (Handler_write, {naive.WritesPerChange:F3})"), naive.WritesPerChange, "rows"));
        report.Targets.Add(new TargetCheck($"{name}: rows written per state change (rho) ≤ 0.5", Invariant($"rho {rho:F3} (naive {naive.Rho:F3}), {rho / 0.5:F2}× the ceiling"), rho <= 0.5));

        foreach (var (design, result) in (ReadOnlySpan<(string, Maximum)>)[("pipeline", pipeline), ("naive", naive)])
        {
            foreach (var (process, seconds) in result.CpuSeconds.OrderByDescending(p => p.Value))
            {
                var label = process == CpuUse.Client ? (design == "naive" ? "benchmark client (load, SDK writers and the naive API)" : "benchmark client (load and SDK writers)") : process;
                report.Figures.Add(new Figure("lifecycle", $"{name}, {design}, CPU per state change, {label}", result.MicrosPerChange(seconds), "µs"));
            }
        }

        var naiveMySql = naive.MicrosPerChange(naive.CpuSeconds.GetValueOrDefault(Persistence.Contracts.StackResources.MySql));
        var stackTotal = pipeline.MicrosPerChange(pipeline.CpuSeconds.Where(p => p.Key != CpuUse.Client).Sum(p => p.Value));
        report.Figures.Add(new Figure("lifecycle", $"{name}, pipeline, CPU per state change, all stack processes (client excluded)", stackTotal, "µs", $"naive, batch {batch}, mysql alone", naiveMySql));
        report.Targets.Add(new TargetCheck(
            $"{name}: the pipeline's CPU per state change, all its processes, ≤ the naive design's MariaDB alone",
            Invariant($"{stackTotal:F1} against {naiveMySql:F1} µs = {stackTotal / naiveMySql:F2}×"),
            stackTotal <= naiveMySql));
    }

    /// <summary>The pipeline at half its lifecycle rate: sessions started on a clock; lag of sampled completions, SDK request times.</summary>
    private async Task HalfRateAsync(int batch, double rate)
    {
        var sessionsPerSecond = rate * 0.5 / LifecycleSession.StatesPerSession;
        var duration = TimeSpan.FromSeconds(Math.Max(10, options.Duration / 2));
        var name = Invariant($"lifecycle, batch {batch}, pipeline at 50 % ({rate * 0.5:N0} changes/s)");
        log(Invariant($"Lifecycle, batch {batch}: the pipeline at 50 % of its rate, {sessionsPerSecond:F2} sessions/s for {duration.TotalSeconds} s"));
        await stack.DrainAsync(TimeSpan.FromMinutes(15));
        await using var pool = new WriterPool(stack.GatewayAddress, stack.GatewayHeaders, options.LifecycleWriters, batch);
        var clock = Stopwatch.StartNew();
        await using var visibility = new Visibility(stack.MySql, clock, "status = 'completed' AND ");
        visibility.Start();
        await _load.PacedAsync(pool, Prefix(), sessionsPerSecond, duration, id => visibility.Accepted(id, clock.Elapsed));
        await pool.FlushAsync();
        var (lags, unseen) = await visibility.FinishAsync(TimeSpan.FromMinutes(5));
        var (requests, failed) = pool.TakeRequests();
        var lagP99 = Stats.Percentile(lags, 0.99);
        var ingestP99 = Stats.Percentile(requests, 0.99);
        report.Figures.Add(new Figure("lifecycle", $"{name}, visibility lag (enqueue to visible) p50", Stats.Percentile(lags, 0.5), "ms"));
        report.Figures.Add(new Figure("lifecycle", Invariant($"{name}, visibility lag (enqueue to visible) p99 ({lags.Count:N0} samples, {unseen} unseen)"), lagP99, "ms", "target 1,000 ms", 1000));
        report.Figures.Add(new Figure("lifecycle", $"{name}, visibility lag max", lags.Count > 0 ? lags[^1] : double.NaN, "ms"));
        report.Figures.Add(new Figure("lifecycle", $"{name}, ingest (SDK request) p50", Stats.Percentile(requests, 0.5), "ms"));
        report.Figures.Add(new Figure("lifecycle", Invariant($"{name}, ingest (SDK request) p99 ({requests.Count:N0} requests, {failed} failed)"), ingestP99, "ms", "target 10 ms", 10));
        report.Targets.Add(new TargetCheck($"lifecycle, batch {batch}: visibility lag p99 < 1 s at 50 % of the lifecycle rate", Invariant($"p99 {lagP99:N0} ms ({unseen} samples unseen), {lagP99 / 1000:F2}× the ceiling"), lagP99 < 1000 && unseen == 0));
        report.Targets.Add(new TargetCheck($"lifecycle, batch {batch}: ingest p99 < 10 ms at 50 % of the lifecycle rate", Invariant($"p99 {ingestP99:F1} ms over {requests.Count:N0} requests, {ingestP99 / 10:F2}× the ceiling"), ingestP99 < 10 && failed == 0));
        await stack.DrainAsync(TimeSpan.FromMinutes(15));
    }

    private sealed record Maximum(long Changes, double Rate, ServerCounters Rows, IReadOnlyDictionary<string, double> CpuSeconds)
    {
        public double Rho => (double)(Rows.HandlerWrite + Rows.HandlerUpdate) / Changes;

        public double WritesPerChange => (double)Rows.HandlerWrite / Changes;

        public double MicrosPerChange(double seconds) => seconds * 1e6 / Changes;
    }
}
