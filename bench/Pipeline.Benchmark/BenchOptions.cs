using System.Globalization;

namespace Pipeline.Benchmark;

/// <summary>
/// The command line: <c>[--database mysql|postgres] [--quick] [--duration S] [--phase S] [--warmup S] [--perf-maps] [--flush-niceness N] [--upsert-connections N] [--preload-rows N,M] [--mysql-buffer-pool SIZE] [--binlog on|off] [--out DIR] [--scale 1x1,2x1,…|none] [--no-naive]
/// [--gateway-setting KEY=VALUE] [--api-setting KEY=VALUE] [--worker-setting KEY=VALUE] [--only SECTIONS] [--batches 1,100,1000] [--targets gateway,direct]
/// [--lifecycle-batches 100,1000] [--lifecycle-sessions N] [--lifecycle-writers N] [--lifecycle-preload N]</c>.
/// </summary>
public sealed class BenchOptions
{
    /// <summary>The stack's storage backend (<c>--database mysql|postgres</c>, AppHost's): MariaDB unless told.</summary>
    public string Database { get; set; } = Persistence.Contracts.StorageBackends.MySql;

    public bool OnPostgres => Database == Persistence.Contracts.StorageBackends.PostgreSql;

    /// <summary>
    /// Sections written against MySQL alone: the naive API, the statement shapes, the lag probe and the lifecycle
    /// workload (its guarded upsert, its server counters and its fill) speak MySQL's SQL over MySqlConnector.
    /// </summary>
    public static IReadOnlyList<string> MySqlOnlySections { get; } = ["naive", "shapes", "lag", "lifecycle"];

    /// <summary>Seconds of the end-to-end run (the lag runs take half of it each, at least 10 s).</summary>
    public int Duration { get; set; } = 60;

    /// <summary>
    /// Seconds of load through the gateway (batches of 1, 100 and 1,000 in turn) after the stack starts and before
    /// anything is measured, so tiered JIT compilation has settled: on two cores it takes the services' compiler
    /// threads about a quarter of the machine for the first 20 s of load.
    /// </summary>
    public int WarmUp { get; set; } = 30;

    /// <summary>Measured seconds of each ingest and ceiling phase, after a one-second warm-up.</summary>
    public int Phase { get; set; } = 8;

    public string Out { get; set; } = Path.Combine(AppHost.BuildOutput.RepositoryRoot, "bench", "results");

    public int Replicas { get; set; } = 2;

    public int Workers { get; set; } = 1;

    /// <summary>The stack's flush-path niceness (<c>--flush-niceness N</c>); unset keeps AppHost's default.</summary>
    public int? FlushNiceness { get; set; }

    /// <summary>API replicas × workers per scale-out stack.</summary>
    public List<(int Replicas, int Workers)> Scale { get; } = [(1, 1), (2, 1), (3, 1), (1, 2), (2, 2)];

    /// <summary>Extra gateway settings (<c>--gateway-setting KEY=VALUE</c>), e.g. to switch a feature off and see its cost.</summary>
    public Dictionary<string, string> GatewaySettings { get; } = [];

    /// <summary>Extra API replica settings (<c>--api-setting KEY=VALUE</c>).</summary>
    public Dictionary<string, string> ApiSettings { get; } = [];

    /// <summary>Extra worker settings (<c>--worker-setting KEY=VALUE</c>).</summary>
    public Dictionary<string, string> WorkerSettings { get; } = [];

    /// <summary>
    /// The sections to run (<c>--only kestrel,ceilings,ingest,e2e,lag,naive,scale</c>): a change to one hop is measured
    /// in minutes instead of a quarter of an hour. Targets are judged only on the sections that ran.
    /// </summary>
    public HashSet<string> Sections { get; } = [.. AllSections.Except(OptInSections)];

    /// <summary>
    /// Sections only <c>--only</c> runs: the upsert shapes take minutes and answer a design question, not a figure of the
    /// pipeline; the lifecycle workload takes three phases of <see cref="Duration"/> and more per batch size.
    /// </summary>
    public static IReadOnlyList<string> OptInSections { get; } = ["shapes", "lifecycle"];

    public List<int> BatchSizes { get; } = [1, 100, 1000];

    /// <summary>Where the ingest phases send: <c>gateway</c>, <c>direct</c> (to the replicas) or both.</summary>
    public List<string> IngestTargets { get; } = ["gateway", "direct"];

    public static IReadOnlyList<string> AllSections { get; } = ["kestrel", "ceilings", "shapes", "ingest", "e2e", "lag", "naive", "scale", "shards", "lifecycle"];

    /// <summary>The SDK writer's batch sizes the lifecycle runs with (<c>--lifecycle-batches</c>): the seed's 100, and 1,000.</summary>
    public List<int> LifecycleBatches { get; } = [100, 1000];

    /// <summary>
    /// Lifecycle sessions running at once in a maximum (<c>--lifecycle-sessions N</c>): about 300 state changes a second
    /// each, so 160 offer some 50,000, above what either design commits here; the writers' full queues hold the rest back.
    /// </summary>
    public int LifecycleSessions { get; set; } = 160;

    /// <summary>Back ends sending the lifecycle, one SDK writer each (<c>--lifecycle-writers N</c>).</summary>
    public int LifecycleWriters { get; set; } = 4;

    /// <summary>Task rows in translation_tasks and the naive API's copy before each lifecycle maximum (<c>--lifecycle-preload N</c>), a session row per 640.</summary>
    public long LifecyclePreload { get; set; } = 1_000_000;

    /// <summary>
    /// Connections of the multi-connection upsert ceiling (<c>--upsert-connections N</c>); unset, as many as the
    /// flush path of the main stack uses: workers × flushers per stream × shards of the one stream the load writes.
    /// </summary>
    public int? UpsertConnections { get; set; }

    /// <summary>Shard counts of the shard curve (<c>--shard-curve 1,2,4,8</c>): a fresh stack and one end-to-end run each.</summary>
    public List<int> ShardCurve { get; } = [1, 2, 4, 8];

    /// <summary>Row counts to fill translation_tasks up to, one end-to-end run after each (<c>--preload-rows 1000000,20000000</c>).</summary>
    public List<long> PreloadRows { get; } = [];

    /// <summary>The stack's InnoDB buffer pool (<c>--mysql-buffer-pool SIZE</c>); unset keeps AppHost's default.</summary>
    public string? MySqlBufferPool { get; set; }

    /// <summary>
    /// MariaDB's binary log and its archiver (<c>--binlog on|off</c>, AppHost's); unset keeps AppHost's default (on). Off
    /// and on, one run each, say what the log's write and fsync per commit group cost the flush path.
    /// </summary>
    public bool? BinaryLog { get; set; }

    /// <summary>Setting names read for the flush path's width, as the worker reads them (its options' defaults otherwise).</summary>
    public const string FlushersSetting = "Flush__FlushersPerStream";

    public const string ShardsSetting = "Streams__Shards";

    /// <summary>Translation.Worker's FlushOptions.FlushersPerStream default, not referenced to keep the worker out of the client.</summary>
    public const int DefaultFlushersPerStream = 2;

    /// <summary>MySQL connections the main stack's flush path writes the tasks stream with.</summary>
    public int FlushConnections
    {
        get
        {
            int Setting(string key, int fallback) =>
                WorkerSettings.TryGetValue(key, out var v) && int.TryParse(v, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : fallback;
            return Workers * Setting(FlushersSetting, DefaultFlushersPerStream) * Setting(ShardsSetting, Persistence.Contracts.StreamShards.DefaultCount);
        }
    }

    public bool Runs(string section) => Sections.Contains(section);

    public static BenchOptions Parse(IReadOnlyList<string> args)
    {
        var options = new BenchOptions();
        var chosen = false;
        for (var i = 0; i < args.Count; i++)
        {
            string Value() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            int Number() => int.TryParse(Value(), CultureInfo.InvariantCulture, out var n) && n > 0 ? n : throw new ArgumentException($"{args[i - 1]} needs a positive whole number.");

            switch (args[i])
            {
                case "--quick":
                    options.Duration = 10;
                    options.Phase = 3;
                    options.WarmUp = 10;
                    options.Scale.RemoveAll(s => s is not ((1, 1) or (2, 2)));
                    break;
                case "--database":
                    options.Database = Value() is var database && Persistence.Contracts.StorageBackends.All.Contains(database)
                        ? database
                        : throw new ArgumentException($"--database is {string.Join(" or ", Persistence.Contracts.StorageBackends.All)}.");
                    break;
                case "--duration": options.Duration = Number(); break;
                case "--phase": options.Phase = Number(); break;
                case "--warmup": options.WarmUp = Number(); break;
                case "--out": options.Out = Path.GetFullPath(Value()); break;
                case "--replicas": options.Replicas = Number(); break;
                case "--workers": options.Workers = Number(); break;
                case "--flush-niceness":
                    options.FlushNiceness = int.TryParse(Value(), CultureInfo.InvariantCulture, out var niceness) && niceness is >= 0 and <= 19
                        ? niceness
                        : throw new ArgumentException("--flush-niceness is 0 to 19.");
                    break;
                case "--no-naive": options.Sections.Remove("naive"); break;
                case "--upsert-connections": options.UpsertConnections = Number(); break;
                case "--preload-rows":
                    options.PreloadRows.Clear();
                    options.PreloadRows.AddRange(Value().Split(',').Select(n => long.TryParse(n, CultureInfo.InvariantCulture, out var rows) && rows > 0
                        ? rows
                        : throw new ArgumentException("--preload-rows takes positive row counts, e.g. 1000000,20000000.")).Order());
                    break;
                case "--mysql-buffer-pool": options.MySqlBufferPool = Value(); break;
                case "--binlog":
                    options.BinaryLog = Value() switch
                    {
                        "on" => true,
                        "off" => false,
                        _ => throw new ArgumentException("--binlog is on or off."),
                    };
                    break;
                case "--gateway-setting": AddSetting(options.GatewaySettings, args[i], Value()); break;
                case "--api-setting": AddSetting(options.ApiSettings, args[i], Value()); break;
                case "--worker-setting": AddSetting(options.WorkerSettings, args[i], Value()); break;
                case "--perf-maps":
                    // perf(1) can then name JIT-compiled .NET frames: the runtime writes /tmp/perf-PID.map, and code
                    // must not sit in the double-mapped W^X region perf cannot attribute.
                    foreach (var settings in (Dictionary<string, string>[])[options.GatewaySettings, options.ApiSettings, options.WorkerSettings])
                    {
                        settings["DOTNET_PerfMapEnabled"] = "1";
                        settings["DOTNET_EnableWriteXorExecute"] = "0";
                    }

                    break;
                case "--only":
                    var sections = Value().Split(',');
                    if (sections.Except(AllSections).FirstOrDefault() is { } unknown)
                    {
                        throw new ArgumentException($"--only: unknown section {unknown}; sections are {string.Join(',', AllSections)}.");
                    }

                    options.Sections.Clear();
                    options.Sections.UnionWith(sections);
                    chosen = true;
                    break;
                case "--batches":
                    options.BatchSizes.Clear();
                    options.BatchSizes.AddRange(Value().Split(',').Select(b => int.Parse(b, CultureInfo.InvariantCulture)));
                    break;
                case "--targets":
                    options.IngestTargets.Clear();
                    options.IngestTargets.AddRange(Value().Split(','));
                    break;
                case "--lifecycle-batches":
                    options.LifecycleBatches.Clear();
                    options.LifecycleBatches.AddRange(Value().Split(',').Select(b => int.TryParse(b, CultureInfo.InvariantCulture, out var n) && n is > 0 and <= 5000
                        ? n
                        : throw new ArgumentException("--lifecycle-batches takes batch sizes of 1 to 5,000, e.g. 100,1000.")));
                    break;
                case "--lifecycle-sessions": options.LifecycleSessions = Number(); break;
                case "--lifecycle-writers": options.LifecycleWriters = Number(); break;
                case "--lifecycle-preload":
                    options.LifecyclePreload = long.TryParse(Value(), CultureInfo.InvariantCulture, out var preload) && preload >= 0
                        ? preload
                        : throw new ArgumentException("--lifecycle-preload takes a row count, 0 or more.");
                    break;
                case "--shard-curve":
                    options.ShardCurve.Clear();
                    options.ShardCurve.AddRange(Value().Split(',').Select(n => int.Parse(n, CultureInfo.InvariantCulture)));
                    break;
                case "--scale":
                    var value = Value();
                    options.Scale.Clear();
                    if (value != "none")
                    {
                        foreach (var config in value.Split(','))
                        {
                            var parts = config.Split('x');
                            options.Scale.Add((int.Parse(parts[0], CultureInfo.InvariantCulture), int.Parse(parts[1], CultureInfo.InvariantCulture)));
                        }
                    }

                    break;
                default:
                    throw new ArgumentException($"Unknown option {args[i]}. Options: --database mysql|postgres --quick --duration S --phase S --warmup S --perf-maps --out DIR --replicas N --workers N --flush-niceness N --scale 1x1,2x1,…|none --shard-curve 1,2,4,8 --no-naive --upsert-connections N --preload-rows N,M --mysql-buffer-pool SIZE --binlog on|off --gateway-setting KEY=VALUE --api-setting KEY=VALUE --worker-setting KEY=VALUE --only SECTIONS --batches 1,100,1000 --targets gateway,direct --lifecycle-batches 100,1000 --lifecycle-sessions N --lifecycle-writers N --lifecycle-preload N");
            }
        }

        if (options.OnPostgres)
        {
            RefuseOnPostgres(options, chosen);
        }

        if (options.PreloadRows.Count > 0 && !options.Runs("e2e"))
        {
            throw new ArgumentException("--preload-rows is read by the end-to-end runs, so it needs e2e.");
        }

        if (options.Runs("lag") && !options.Runs("e2e"))
        {
            throw new ArgumentException("--only: lag runs at shares of the end-to-end rate, so it needs e2e.");
        }

        return options;
    }

    /// <summary>
    /// Named MySQL-only sections and options are refused with their names; left to the default, those sections are
    /// dropped (the report says so) so a plain <c>--database postgres</c> runs everything that can.
    /// </summary>
    private static void RefuseOnPostgres(BenchOptions options, bool sectionsChosen)
    {
        var mysqlOnly = MySqlOnlySections.Where(options.Runs).ToList();
        if (sectionsChosen && mysqlOnly.Count > 0)
        {
            throw new ArgumentException($"--database postgres: {string.Join(", ", mysqlOnly)} run on MySQL only; sections on postgres are {string.Join(',', AllSections.Except(MySqlOnlySections))}.");
        }

        options.Sections.ExceptWith(MySqlOnlySections);
        if (options.PreloadRows.Count > 0)
        {
            throw new ArgumentException("--database postgres: --preload-rows fills translation_tasks over MySQL only.");
        }

        if (options.MySqlBufferPool is not null)
        {
            throw new ArgumentException("--database postgres: --mysql-buffer-pool sizes MariaDB's InnoDB buffer pool; the AppHost refuses it with postgres.");
        }

        if (options.BinaryLog is true)
        {
            throw new ArgumentException("--database postgres: --binlog on is MariaDB's binary log; the AppHost refuses it with postgres.");
        }
    }

    private static void AddSetting(Dictionary<string, string> settings, string option, string value)
    {
        var setting = value.Split('=', 2);
        settings[setting[0]] = setting.Length == 2 ? setting[1] : throw new ArgumentException($"{option} needs KEY=VALUE.");
    }
}
