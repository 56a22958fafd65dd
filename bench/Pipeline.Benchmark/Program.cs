using System.Diagnostics;
using Pipeline.Benchmark;
using static Pipeline.Benchmark.Report;

BenchOptions options;
try
{
    options = BenchOptions.Parse(args);
}
catch (ArgumentException ex)
{
    await Console.Error.WriteLineAsync(ex.Message);
    return 2;
}

var report = new Report { Machine = Machine.Read(), Command = "dotnet run -c Release --project bench/Pipeline.Benchmark -- " + string.Join(' ', args) };
var payloads = new Payloads(Guid.NewGuid().ToString("N")[..8]);
var ledger = new Ledger();
var load = new Load(payloads, ledger);
// The APIs in this process keep their own tally: only the stack's 202s must be rows at the end.
var localLoad = new Load(payloads, new Ledger());
var phase = TimeSpan.FromSeconds(options.Phase);
var warmUp = TimeSpan.FromSeconds(1);
var batchSizes = options.BatchSizes;
// Enough senders to keep every replica busy; fewer for big batches, whose bodies the client must also build.
static int Clients(int batch) => batch switch { 1 => 32, 100 => 16, _ => 4 };

void Log(string text) => Console.WriteLine($"[{DateTime.UtcNow:HH:mm:ss}] {text}");

PhaseResult Record(PhaseResult result)
{
    report.Phases.Add(result);
    Log(Invariant($"  {result.Target} {result.Mode} batch {result.BatchSize}: {result.RecordsPerSecond:N0} records/s, {result.RequestsPerSecond:N1} req/s, p50 {result.P50Ms:F1} p99 {result.P99Ms:F1} max {result.MaxMs:F1} ms, {result.Errors} errors {result.FirstError}"));
    return result;
}

Log(Invariant($"Machine: {report.Machine.Cpu}, {report.Machine.LogicalCores} cores, {report.Machine.MemoryGiB} GiB, load {report.Machine.LoadAverage}"));

// 1. Kestrel alone: the same client and bodies against an endpoint that reads the body and answers 202.
var kestrel = new Dictionary<int, PhaseResult>();
if (options.Runs("kestrel"))
{
    await using var noOp = await LocalApi.StartNoOpAsync();
    using var target = new Target("kestrel", [noOp.BaseAddress], new Dictionary<string, string>());
    Log("Ceiling: Kestrel no-op endpoint");
    foreach (var batch in batchSizes)
    {
        kestrel[batch] = Record(await localLoad.ClosedAsync(target, batch, Clients(batch), phase, warmUp, CancellationToken.None));
    }
}

Log($"Starting the stack on {options.Database} ({options.Replicas} API replicas, {options.Workers} worker) …");
var stack = await BenchPlatform.StartAsync(options.Replicas, options.Workers, options);
report.Notes.Add($"CPU niceness of the stack's processes (AppHost --flush-niceness): {stack.Niceness}.");
report.Notes.Add($"{stack.BinaryLog}.");
if (options.OnPostgres)
{
    report.Notes.Add($"Sections that run on MySQL only, not run on postgres: {string.Join(", ", BenchOptions.MySqlOnlySections)}.");
}

var naiveRatios = new List<Figure>();
var upsertConnections = options.UpsertConnections ?? options.FlushConnections;
report.Notes.Add($"Multi-connection upsert ceiling: {upsertConnections} connections ({(options.UpsertConnections is null ? "the flush path's: workers × flushers per stream × shards" : "--upsert-connections")}).");
try
{
    // Steady state only: the services' first seconds under load are spent compiling (tiered JIT), not serving.
    Log($"Warming the stack up for {options.WarmUp} s …");
    foreach (var batch in (int[])[1, 100, 1000])
    {
        await load.ClosedAsync(stack.Gateway, batch, Clients(batch), TimeSpan.FromSeconds(options.WarmUp / 3.0), TimeSpan.Zero, CancellationToken.None);
    }

    await stack.DrainAsync(TimeSpan.FromMinutes(15));

    // 2. Raw Redis and MariaDB or PostgreSQL, on the stack's own servers.
    if (options.Runs("ceilings"))
    {
        Log($"Ceiling: Redis XADD and {(options.OnPostgres ? "PostgreSQL" : "MariaDB")} upsert");
        foreach (var batch in (int[])[100, 1000])
        {
            report.Ceilings.Add(await Ceilings.RedisAsync(stack.Redis, payloads, batch, 32, phase));
        }

        foreach (var batch in (int[])[100, 1000, 5000])
        {
            report.Ceilings.Add(options.OnPostgres
                ? await Ceilings.PostgreSqlAsync(stack.Database, payloads, batch, 1, phase, stack.DatabaseProcess)
                : await Ceilings.MySqlAsync(stack.MySql, payloads, batch, phase, stack.DatabaseProcess));
        }

        // As many connections as the flush path writes the tasks stream with, batches as the worker's.
        report.Ceilings.Add(options.OnPostgres
            ? await Ceilings.PostgreSqlAsync(stack.Database, payloads, 1000, upsertConnections, phase, stack.DatabaseProcess)
            : await Ceilings.MySqlParallelAsync(stack.MySql, payloads, 1000, upsertConnections, phase, database: stack.DatabaseProcess));

        foreach (var c in report.Ceilings)
        {
            Log(Invariant($"  {c.Name}: {c.RecordsPerSecond:N0} records/s ({c.How}){(c.DatabaseCpuMicrosPerRecord is { } us ? $", {stack.DatabaseServer} {us:F1} µs CPU per record" : "")}"));
        }
    }

    foreach (var (batch, result) in kestrel)
    {
        report.Ceilings.Add(new Ceiling($"Kestrel no-op, batch {batch}", result.RecordsPerSecond, $"{Clients(batch)} clients, closed loop"));
    }

    // A section that did not run leaves its ceiling unknown (NaN), and the ratios against it empty.
    var unknown = new Ceiling("not measured in this run", double.NaN, "");
    var redisCeiling = report.Ceilings.Where(c => c.Name.StartsWith("Redis", StringComparison.Ordinal)).MaxBy(c => c.RecordsPerSecond) ?? unknown;
    // The database ceilings of the backend that ran: the e2e ratios and the targets divide by these.
    var databaseName = options.OnPostgres ? "PostgreSQL" : "MariaDB";
    var mysqlCeiling = report.Ceilings.Where(c => c.Name.StartsWith(databaseName + " upsert", StringComparison.Ordinal)).MaxBy(c => c.RecordsPerSecond) ?? unknown;
    var parallelPrefix = options.OnPostgres ? Ceilings.PostgreSqlParallelPrefix : Ceilings.ParallelPrefix;
    var parallelCeiling = report.Ceilings.FirstOrDefault(c => c.Name.StartsWith(parallelPrefix, StringComparison.Ordinal)) ?? unknown;
    foreach (var c in report.Ceilings)
    {
        report.Figures.Add(new Figure("ceiling", c.Name + " (" + c.How + ")", c.RecordsPerSecond, "records/s"));
        if (c.DatabaseCpuMicrosPerRecord is { } us)
        {
            report.Figures.Add(new Figure("ceiling", $"{c.Name}, {stack.DatabaseServer} CPU per record{(options.OnPostgres ? " (postmaster and its backends)" : "")}", us, "µs"));
        }
    }

    // The statement shapes the flush path could write with, interleaved round by round in a rotating order: the
    // machine is shared and its speed drifts by more than the differences looked for, so each shape is read against
    // the text shape of its own round, and the median of those ratios is the figure.
    if (options.Runs("shapes"))
    {
        const int Rounds = 8;
        UpsertShape[] shapes = [UpsertShape.Text, UpsertShape.Prepared, UpsertShape.BulkCopy];
        Log(Invariant($"Upsert shapes: {string.Join(", ", shapes)}, interleaved, {Rounds} rounds of {phase.TotalSeconds} s each"));
        foreach (var connections in (int[])[1, upsertConnections])
        {
            var rates = shapes.ToDictionary(s => s, _ => new List<double>());
            for (var round = 0; round < Rounds; round++)
            {
                foreach (var shape in shapes.Skip(round % shapes.Length).Concat(shapes.Take(round % shapes.Length)))
                {
                    rates[shape].Add((await Ceilings.MySqlParallelAsync(stack.MySql, payloads, 1000, connections, phase, shape)).RecordsPerSecond);
                }
            }

            foreach (var shape in shapes)
            {
                var ratios = rates[shape].Zip(rates[UpsertShape.Text], (r, t) => r / t).Order().ToList();
                var median = Stats.Percentile(rates[shape].Order().ToList(), 0.5);
                Log(Invariant($"  {connections} connections, {shape}: median {median:N0} records/s, vs text in the same round {Stats.Percentile(ratios, 0.5):P0} (range {ratios[0]:P0}–{ratios[^1]:P0})"));
                report.Figures.Add(new Figure("shapes", Invariant($"1,000 rows, {connections} connections, {shape}, median of {Rounds} rounds (ratio: median per-round ratio {ratios[0]:P0}–{ratios[^1]:P0})"), median, "records/s", "text shape, same round", median / Stats.Percentile(ratios, 0.5)));
            }
        }
    }

    // 3. Ingest: the maximum with a closed loop, then latency under a fixed arrival rate at 50% and 90% of it.
    var ingest = new Dictionary<(string, int), (PhaseResult Max, PhaseResult Half, PhaseResult Ninety)>();
    foreach (var target in options.Runs("ingest") ? ((Target[])[stack.Gateway, stack.Direct]).Where(t => options.IngestTargets.Contains(t.Name)) : [])
    {
        foreach (var batch in batchSizes)
        {
            // Each maximum starts from an empty backlog, so it does not pay for flushing the previous phase's records.
            await stack.DrainAsync(TimeSpan.FromMinutes(15));
            Log($"Ingest: {target.Name}, batch {batch}");
            var cpu = CpuUse.Start(stack.Processes);
            var max = Record(await load.ClosedAsync(target, batch, Clients(batch), phase, warmUp, CancellationToken.None));
            report.Notes.Add($"CPU during {target.Name} closed loop, batch {batch} (% of one core; 200% = the machine): {cpu.Stop()}");
            // The open loops start from an empty backlog too: measured straight after the maximum, they timed the
            // worker and MariaDB flushing its records at full speed on the same two cores, not the load they offer.
            await stack.DrainAsync(TimeSpan.FromMinutes(15));
            var half = Record(await load.OpenAsync(target, batch, max.RequestsPerSecond * 0.5, phase, warmUp, CancellationToken.None));
            await stack.DrainAsync(TimeSpan.FromMinutes(15));
            var ninety = Record(await load.OpenAsync(target, batch, max.RequestsPerSecond * 0.9, phase, warmUp, CancellationToken.None));
            ingest[(target.Name, batch)] = (max, half, ninety);
            var kestrelRate = kestrel.TryGetValue(batch, out var k) ? k.RecordsPerSecond : double.NaN;
            var ceiling = kestrelRate < redisCeiling.RecordsPerSecond ? $"Kestrel no-op, batch {batch}" : redisCeiling.Name;
            var ceilingValue = kestrelRate < redisCeiling.RecordsPerSecond ? kestrelRate : redisCeiling.RecordsPerSecond;
            report.Figures.Add(new Figure("ingest", $"{target.Name}, batch {batch}, max (closed, {Clients(batch)} clients)", max.RecordsPerSecond, "records/s", ceiling, ceilingValue));
            report.Figures.Add(new Figure("ingest", $"{target.Name}, batch {batch}, max", max.RequestsPerSecond, "req/s"));
            report.Figures.Add(new Figure("ingest", $"{target.Name}, batch {batch}, max, p99", max.P99Ms, "ms"));
            foreach (var (share, result) in (ReadOnlySpan<(string, PhaseResult)>)[("50%", half), ("90%", ninety)])
            {
                report.Figures.Add(new Figure("ingest", $"{target.Name}, batch {batch}, open {share}, p50", result.P50Ms, "ms"));
                report.Figures.Add(new Figure("ingest", $"{target.Name}, batch {batch}, open {share}, p95", result.P95Ms, "ms"));
                report.Figures.Add(new Figure("ingest", $"{target.Name}, batch {batch}, open {share}, p99", result.P99Ms, "ms"));
                report.Figures.Add(new Figure("ingest", $"{target.Name}, batch {batch}, open {share}, max", result.MaxMs, "ms"));
            }
        }
    }

    foreach (var batch in ingest.ContainsKey(("direct", batchSizes[0])) && ingest.ContainsKey(("gateway", batchSizes[0])) ? batchSizes : [])
    {
        var g = ingest[("gateway", batch)].Max.RecordsPerSecond;
        var d = ingest[("direct", batch)].Max.RecordsPerSecond;
        report.Figures.Add(new Figure("ingest", $"gateway / direct, batch {batch}", g, "records/s", "direct to the replicas", d));
    }

    // 4. End to end: as fast as the gateway takes 1,000-record batches for the duration, then until the flush
    // barrier says all of it is queryable; the rate is the records over that whole time.
    var e2eRate = double.NaN;
    var lagP99AtHalf = double.NaN;
    PhaseResult? ingestAtHalfSustained = null;
    async Task<double> EndToEndAsync(string label)
    {
        Log("Draining before the end-to-end run …");
        await stack.DrainAsync(TimeSpan.FromMinutes(15));
        var duration = TimeSpan.FromSeconds(options.Duration);
        Log($"End to end{label}: closed loop for {options.Duration} s, then drain");
        var e2eCpu = CpuUse.Start(stack.Processes);
        var e2eClock = Stopwatch.StartNew();
        var e2eLoad = Record(await load.ClosedAsync(stack.Gateway, 1000, Clients(1000), duration, TimeSpan.Zero, CancellationToken.None) with { Target = "end-to-end" });
        var sent = e2eClock.Elapsed;
        await stack.DrainAsync(TimeSpan.FromMinutes(15));
        var e2eSeconds = e2eClock.Elapsed.TotalSeconds;
        var e2eCpuSeconds = e2eCpu.Seconds();
        report.Notes.Add($"CPU during the end-to-end run{label}, load and drain (% of one core): {e2eCpu.Stop()}");
        var rate = e2eLoad.Records / e2eSeconds;
        // Per process and per record committed: on a shared 2-core machine the rate moves with the neighbours' load,
        // the CPU a record costs each hop much less.
        foreach (var (process, seconds) in e2eCpuSeconds.OrderByDescending(p => p.Value))
        {
            report.Figures.Add(new Figure("end-to-end", $"CPU per record{label}, {process}", e2eLoad.Records > 0 ? seconds * 1e6 / e2eLoad.Records : double.NaN, "µs"));
        }

        var stackSeconds = e2eCpuSeconds.Where(p => p.Key != CpuUse.Client).Sum(p => p.Value);
        report.Figures.Add(new Figure("end-to-end", $"CPU per record{label}, all stack processes (client excluded)", e2eLoad.Records > 0 ? stackSeconds * 1e6 / e2eLoad.Records : double.NaN, "µs"));
        Log(Invariant($"  {e2eLoad.Records:N0} records accepted in {sent.TotalSeconds:F1} s, all committed after {e2eSeconds:F1} s: {rate:N0} records/s"));
        report.Figures.Add(new Figure("end-to-end", $"sustained{label}, HTTP accept to committed ({e2eLoad.Records:N0} records in {e2eSeconds:F1} s)", rate, "records/s", mysqlCeiling.Name, mysqlCeiling.RecordsPerSecond));
        report.Figures.Add(new Figure("end-to-end", $"sustained{label}, vs the multi-connection upsert ceiling", rate, "records/s", parallelCeiling.Name, parallelCeiling.RecordsPerSecond));
        report.Figures.Add(new Figure("end-to-end", $"drain after the last 202{label}", e2eSeconds - sent.TotalSeconds, "s"));
        return rate;
    }

    if (options.Runs("e2e"))
    {
        e2eRate = await EndToEndAsync("");
    }

    // 5. Visibility lag at 50% and 90% of the end-to-end rate, 100-record batches through the gateway.
    var lagDuration = TimeSpan.FromSeconds(Math.Max(10, options.Duration / 2));
    foreach (var share in options.Runs("lag") ? (double[])[0.5, 0.9] : [])
    {
        Log(Invariant($"Visibility lag at {share:P0} of the end-to-end rate for {lagDuration.TotalSeconds} s"));
        var clock = Stopwatch.StartNew();
        await using var visibility = new Visibility(stack.MySql, clock);
        visibility.Start();
        var rate = e2eRate * share / 100;
        var result = Record(await load.OpenAsync(stack.Gateway, 100, rate, lagDuration, warmUp, CancellationToken.None, (id, _) => visibility.Accepted(id, clock.Elapsed)) with { Target = Invariant($"lag {share:P0}") });
        var (lags, unseen) = await visibility.FinishAsync(TimeSpan.FromMinutes(5));
        var label = Invariant($"{share:P0} of end-to-end ({rate * 100:N0} records/s)");
        report.Figures.Add(new Figure("visibility", $"lag at {label}, p50", Stats.Percentile(lags, 0.5), "ms"));
        report.Figures.Add(new Figure("visibility", $"lag at {label}, p99", Stats.Percentile(lags, 0.99), "ms"));
        report.Figures.Add(new Figure("visibility", $"lag at {label}, max", lags.Count > 0 ? lags[^1] : double.NaN, "ms"));
        report.Figures.Add(new Figure("visibility", $"lag at {label}, samples (unseen {unseen})", lags.Count, "records"));
        report.Figures.Add(new Figure("visibility", $"ingest at {label}, p99", result.P99Ms, "ms"));
        if (share == 0.5)
        {
            lagP99AtHalf = Stats.Percentile(lags, 0.99);
            ingestAtHalfSustained = result;
        }
    }

    // How cost grows with the table: the same end-to-end run with millions of rows already present.
    if (options.PreloadRows.Count > 0)
    {
        var preload = new Preload(stack.MySql, payloads.IdPrefix.Trim('-').Replace("bench-", "", StringComparison.Ordinal));
        foreach (var target in options.PreloadRows)
        {
            Log(Invariant($"Preloading translation_tasks to {target:N0} rows of this run …"));
            var seconds = await preload.FillToAsync(target, Log);
            report.Notes.Add(Invariant($"Preloaded {target:N0} rows into translation_tasks in {seconds:F0} s (this run's preload rows; the load's own rows come on top)."));
            var rate = await EndToEndAsync(Invariant($" with {target:N0} rows preloaded"));
            report.Figures.Add(new Figure("end-to-end", Invariant($"sustained with {target:N0} rows preloaded, vs the run on the table before the preload"), rate, "records/s", "end-to-end, before the preload", e2eRate));
        }
    }

    // The lifecycle workload (issue 24): its own ids and its own checks, so it leaves the loss check below to the rest.
    if (options.Runs("lifecycle"))
    {
        await new Pipeline.Benchmark.Lifecycle.LifecycleBenchmark(stack, options, report, Log).RunAsync();
    }

    // 6. No loss: every 202 of this stack is one row.
    await stack.DrainAsync(TimeSpan.FromMinutes(15));
    var rows = await stack.CountRowsAsync(payloads.IdPrefix);
    report.Figures.Add(new Figure("loss check", "records answered 202", ledger.Accepted, "records"));
    report.Figures.Add(new Figure("loss check", "rows in translation_tasks", rows, "rows"));
    report.Figures.Add(new Figure("loss check", "failed requests (non-202 or transport error)", ledger.Failed, "requests"));
    Log(Invariant($"Loss check: {ledger.Accepted:N0} accepted, {rows:N0} rows, {ledger.Failed} failed requests"));
    if (ledger.FirstFailure is { } failure)
    {
        report.Notes.Add($"First failed request of the run: {failure}");
    }

    report.Notes.Add(await stack.RedisForksAsync());

    // Judged here, before the naive phases, on the pipeline's own ledger.
    var accepted = ledger.Accepted;
    var failed = ledger.Failed;

    // 7. The naive design: same client, same bodies, each batch upserted inside its request.
    if (options.Runs("naive") && options.Runs("ingest") && options.IngestTargets.Contains("gateway"))
    {
        await using var connection = new MySqlConnector.MySqlConnection(stack.MySql);
        await connection.OpenAsync();
        await Upsert.CreateScratchTableAsync(connection, "bench_naive", CancellationToken.None);
        await using (var naive = await LocalApi.StartNaiveAsync(stack.MySql, "bench_naive"))
        {
            using var target = new Target("naive", [naive.BaseAddress], new Dictionary<string, string>());
            foreach (var batch in batchSizes)
            {
                Log($"Naive: batch {batch}");
                var max = Record(await localLoad.ClosedAsync(target, batch, Clients(batch), phase, warmUp, CancellationToken.None));
                var half = Record(await localLoad.OpenAsync(target, batch, max.RequestsPerSecond * 0.5, phase, warmUp, CancellationToken.None));
                var pipeline = ingest[("gateway", batch)];
                report.Figures.Add(new Figure("naive", $"naive, batch {batch}, max", max.RecordsPerSecond, "records/s", $"pipeline ingest via gateway, batch {batch}", pipeline.Max.RecordsPerSecond));
                report.Figures.Add(new Figure("naive", $"naive, batch {batch}, open 50%, p99", half.P99Ms, "ms", $"pipeline via gateway, open 50%, p99", pipeline.Half.P99Ms));
            }
        }

        var naiveBest = report.Phases.Where(p => p.Target == "naive" && p.Mode == "closed").Max(p => p.RecordsPerSecond);
        report.Figures.Add(new Figure("naive", "best naive rate vs pipeline end-to-end", naiveBest, "records/s", "pipeline end-to-end", e2eRate));
        report.Targets.Add(new TargetCheck("end-to-end ≥ 1.2× the naive synchronous API's best rate", Invariant($"{e2eRate:N0} against {naiveBest:N0} records/s = {e2eRate / naiveBest:F2}×, {e2eRate / naiveBest / 1.2:P0} of the target"), e2eRate >= 1.2 * naiveBest));
        await Upsert.DropAsync(connection, "bench_naive");
    }

    // Targets, judged on what was measured.
    if (options.Runs("e2e") && options.Runs("ceilings"))
    {
        report.Targets.Add(new TargetCheck($"end-to-end ≥ 50% of the raw {databaseName} upsert ceiling", Invariant($"{e2eRate:N0} of {mysqlCeiling.RecordsPerSecond:N0} records/s = {e2eRate / mysqlCeiling.RecordsPerSecond:P0}"), e2eRate >= 0.5 * mysqlCeiling.RecordsPerSecond));
    }

    if (options.Runs("e2e") && options.Runs("ceilings"))
    {
        report.Targets.Add(new TargetCheck($"end-to-end ≥ 70% of the multi-connection {databaseName} upsert ceiling ({upsertConnections} connections)", Invariant($"{e2eRate:N0} of {parallelCeiling.RecordsPerSecond:N0} records/s = {e2eRate / parallelCeiling.RecordsPerSecond:P0}"), e2eRate >= 0.7 * parallelCeiling.RecordsPerSecond));
    }

    if (ingest.TryGetValue(("gateway", 1), out var gateway1) && ingest.TryGetValue(("direct", 1), out var direct1))
    {
        var share = gateway1.Max.RequestsPerSecond / direct1.Max.RequestsPerSecond;
        report.Targets.Add(new TargetCheck("single-record requests through the gateway ≥ 50% of the rate straight to the replicas", Invariant($"{gateway1.Max.RequestsPerSecond:N0} of {direct1.Max.RequestsPerSecond:N0} req/s = {share:P0}, {share / 0.5:F2}× the target"), share >= 0.5));
    }

    if (ingest.TryGetValue(("gateway", 100), out var gateway100))
    {
        report.Targets.Add(new TargetCheck("ingest p99 < 10 ms at 50% of max, 100-record batches through the gateway", Invariant($"p99 {gateway100.Half.P99Ms:F1} ms at {gateway100.Half.OfferedRequestsPerSecond:N0} req/s"), gateway100.Half.P99Ms < 10));
    }

    if (options.Runs("lag"))
    {
        report.Targets.Add(new TargetCheck("visibility lag p99 < 100 ms at 50% of the sustained (end-to-end) rate", Invariant($"p99 {lagP99AtHalf:N0} ms, {lagP99AtHalf / 100:F2}× the ceiling"), lagP99AtHalf < 100));
    }

    // The same ingest target read against the rate the stack sustains rather than its 8-second burst: 50 % of the
    // burst is above what the flush path commits on the same cores, so that backlog only grows.
    if (ingestAtHalfSustained is { } sustainedHalf)
    {
        report.Targets.Add(new TargetCheck("ingest p99 < 10 ms at 50% of the sustained (end-to-end) max, 100-record batches through the gateway", Invariant($"p99 {sustainedHalf.P99Ms:F1} ms at {sustainedHalf.OfferedRequestsPerSecond:N0} req/s"), sustainedHalf.P99Ms < 10));
    }

    var errors = report.Phases.Where(p => p.Target is "gateway" or "direct" or "end-to-end" || p.Target.StartsWith("lag", StringComparison.Ordinal)).Sum(p => p.Errors);
    report.Targets.Add(new TargetCheck("no errors, no loss", Invariant($"{errors} errors in measured phases, {failed} failed requests in all; {accepted:N0} records answered 202, {rows:N0} rows"), errors == 0 && failed == 0 && rows == accepted));
}
finally
{
    await stack.DisposeAsync();
}

// 8. Scale-out: a fresh stack per configuration, the 100-record closed loop through the gateway.
foreach (var (replicas, workers) in options.Runs("scale") ? options.Scale : [])
{
    Log($"Scale-out: {replicas} API replicas, {workers} workers");
    var scaleLedger = new Ledger();
    var scaleLoad = new Load(payloads, scaleLedger);
    await using var scaled = await BenchPlatform.StartAsync(replicas, workers, options);
    // Warmed up like the main stack: a cold stack measures its JIT compiler, not its capacity.
    await scaleLoad.ClosedAsync(scaled.Gateway, 100, Clients(100), TimeSpan.FromSeconds(options.WarmUp / 2.0), TimeSpan.Zero, CancellationToken.None);
    await scaled.DrainAsync(TimeSpan.FromMinutes(10));
    var result = await scaleLoad.ClosedAsync(scaled.Gateway, 100, Clients(100), phase, warmUp, CancellationToken.None);
    Record(result with { Target = $"scale {replicas}x{workers}" });
    await scaled.DrainAsync(TimeSpan.FromMinutes(10));
    var rows = await scaled.CountRowsAsync(payloads.IdPrefix);
    report.ScaleOut.Add(new ScaleResult(replicas, workers, result, scaleLedger.Accepted, rows));
    report.Figures.Add(new Figure("scale-out", $"{replicas} replicas × {workers} workers, batch 100, max", result.RecordsPerSecond, "records/s"));
}

// 9. The shard curve: a fresh stack per shard count, one end-to-end run each (1,000-record batches for the duration,
// then the drain), against the first count's rate.
double? firstShardRate = null;
foreach (var shards in options.Runs("shards") ? options.ShardCurve : [])
{
    Log($"Shard curve: {shards} shards");
    var curveLedger = new Ledger();
    var curveLoad = new Load(payloads, curveLedger);
    await using var sharded = await BenchPlatform.StartAsync(options.Replicas, options.Workers, options, shards);
    await curveLoad.ClosedAsync(sharded.Gateway, 1000, Clients(1000), TimeSpan.FromSeconds(options.WarmUp / 2.0), TimeSpan.Zero, CancellationToken.None);
    await sharded.DrainAsync(TimeSpan.FromMinutes(10));
    var clock = Stopwatch.StartNew();
    var result = Record(await curveLoad.ClosedAsync(sharded.Gateway, 1000, Clients(1000), TimeSpan.FromSeconds(options.Duration), TimeSpan.Zero, CancellationToken.None) with { Target = $"shards {shards}" });
    await sharded.DrainAsync(TimeSpan.FromMinutes(15));
    var rate = result.Records / clock.Elapsed.TotalSeconds;
    firstShardRate ??= rate;
    var rows = await sharded.CountRowsAsync(payloads.IdPrefix);
    report.Figures.Add(new Figure("shards", Invariant($"{shards} shards, end to end ({curveLedger.Accepted:N0} answered 202, {rows:N0} rows)"), rate, "records/s", Invariant($"{options.ShardCurve[0]} shards"), firstShardRate.Value));
}

report.LoadAtEnd = Machine.LoadNow();
report.Print(Console.Out);
await report.WriteAsync(options.Out);
Log($"Results written to {options.Out}");
return 0;
