using System.Globalization;
using AppHost.Hosting;
using Persistence.Contracts;

namespace AppHost;

/// <summary>
/// What to run, read from AppHost's command line before the Aspire builder sees it: the configuration provider would
/// take a bare flag such as <c>--quiet</c> as the key of the next token. Options that are not ours (the manifest
/// publisher's, configuration keys with a colon) are handed on to Aspire unchanged.
/// </summary>
public sealed class StackOptions
{
    public const string Usage =
        "Options: --database mysql|postgres --gateway-port N --replicas N --workers N --gateways N --shards N --redis-fsync always|everysec --redis-maxmemory SIZE --redis-cluster N "
        + "--flush-niceness 0-19 --mysql-buffer-pool SIZE --binlog on|off (MariaDB's) --state-dir PATH --quiet --no-dashboard --no-restart "
        + "--api-setting KEY=VALUE --worker-setting KEY=VALUE --gateway-setting KEY=VALUE "
        + "(and Aspire's own: --publisher manifest --output-path FILE, or any --Section:Key VALUE)";

    private const string ShardsSetting = StreamLayoutOptions.SectionName + "__" + nameof(StreamLayoutOptions.Shards);

    /// <summary>Aspire's options that take a value; everything else unknown is refused, so a typo is not ignored.</summary>
    private static readonly HashSet<string> AspireOptions = ["--publisher", "--output-path", "--operation", "--step", "--environment"];

    /// <summary>
    /// Where the tables live, by <see cref="StorageBackends"/>' names: <c>mysql</c> (MariaDB locally, MySQL when
    /// published) or <c>postgres</c>. The services are told through <see cref="StorageBackends.SettingKey"/>.
    /// </summary>
    public string Database { get; set; } = StorageBackends.MySql;

    public bool IsPostgreSql => Database == StorageBackends.PostgreSql;

    /// <summary>The gateway's public port on 127.0.0.1; 0 lets the orchestrator pick one (tests run side by side).</summary>
    public int GatewayPort { get; set; } = 8000;

    public int Replicas { get; set; } = 3;

    public int Workers { get; set; } = 1;

    /// <summary>Gateway instances; the first listens on <see cref="GatewayPort"/>, the others on ports picked for them.</summary>
    public int Gateways { get; set; } = 1;

    /// <summary>
    /// Redis <c>appendfsync</c>: <c>everysec</c> may lose the last second of accepted batches if the Redis host (not
    /// just the process) crashes; <c>always</c> fsyncs before every reply, so a 202 survives that too, at a cost in
    /// throughput.
    /// </summary>
    public string RedisAppendFsync { get; set; } = "everysec";

    /// <summary>Redis <c>maxmemory</c> (e.g. <c>4gb</c>); past it writes fail instead of evicting anything.</summary>
    public string RedisMaxMemory { get; set; } = "4gb";

    /// <summary>The fewest masters <c>redis-cli --cluster create</c> builds a cluster of (it needs a majority to fail a node over).</summary>
    public const int MinimumClusterNodes = 3;

    /// <summary>
    /// Redis Cluster masters to run instead of the single Redis (0: the single Redis). Each node gets the persistence
    /// settings above, <see cref="RedisMaxMemory"/> included, so the cluster holds up to that much per node.
    /// </summary>
    public int RedisClusterNodes { get; set; }

    /// <summary>
    /// CPU niceness of the flush path, MariaDB and the workers (0 to 19, added to AppHost's own, which the ingest path
    /// keeps). On one machine they compete for the cores with the ingest path, whose callers are waiting; the flush
    /// only has to keep up on average, as the stream buffers the rest. 0 gives all processes the same share.
    /// </summary>
    public int FlushNiceness { get; set; } = 10;

    /// <summary>InnoDB's buffer pool (<c>--mysql-buffer-pool 4G</c>): the rows and indexes MySQL keeps in memory.</summary>
    public string MySqlBufferPool { get; set; } = DatabaseTuning.DefaultBufferPool;

    public DatabaseTuning DatabaseTuning => new(MySqlBufferPool);

    /// <summary>
    /// MariaDB's binary log (ROW format), streamed to the archive folder for point-in-time recovery. Off saves the
    /// binary log's write and fsync per commit group, and leaves only the last base backup to restore. Always off
    /// with <c>--database postgres</c>.
    /// </summary>
    public bool BinaryLog { get; set; } = true;

    public string StateDirectory { get; set; } = Path.Combine(BuildOutput.RepositoryRoot, ".state");

    /// <summary>Copy every resource's log lines to AppHost's console (always written to <c>logs/</c> in the state folder).</summary>
    public bool EchoLogs { get; set; } = true;

    public bool Dashboard { get; set; } = true;

    /// <summary>Start a process again when it dies on its own (non-zero exit, a signal); a deliberate stop stays stopped.</summary>
    public bool RestartOnCrash { get; set; } = true;

    /// <summary>Extra settings, as environment variables (<c>Section__Key</c>), for each service.</summary>
    public Dictionary<string, string> ApiSettings { get; } = [];

    public Dictionary<string, string> WorkerSettings { get; } = [];

    public Dictionary<string, string> GatewaySettings { get; } = [];

    /// <summary>What is left for Aspire's own command-line configuration.</summary>
    public List<string> AspireArguments { get; } = [];

    public static StackOptions Parse(IReadOnlyList<string> args)
    {
        var options = new StackOptions();
        List<string> mariaDbOptions = [];
        for (var i = 0; i < args.Count; i++)
        {
            var name = args[i];
            string Value() => i + 1 < args.Count && !args[i + 1].StartsWith("--", StringComparison.Ordinal)
                ? args[++i]
                : throw new ArgumentException($"{name} needs a value.");
            int Number() => int.TryParse(Value(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : throw new ArgumentException($"{name} needs a whole number.");

            switch (name)
            {
                case "--gateway-port": options.GatewayPort = Number() is var port and <= 65535 ? port : throw new ArgumentException("--gateway-port is 0 to 65535."); break;
                case "--replicas": options.Replicas = Math.Max(1, Number()); break;
                case "--workers": options.Workers = Math.Max(1, Number()); break;
                case "--gateways": options.Gateways = Math.Max(1, Number()); break;
                case "--shards":
                    var shards = Number() is var count and >= 1 and <= StreamShards.MaxCount
                        ? count.ToString(CultureInfo.InvariantCulture)
                        : throw new ArgumentException($"--shards is 1 to {StreamShards.MaxCount}.");
                    // The seed of a new state folder's layout; on an existing one the worker's reshard command changes it.
                    options.ApiSettings[ShardsSetting] = shards;
                    options.WorkerSettings[ShardsSetting] = shards;
                    break;
                case "--redis-fsync":
                    options.RedisAppendFsync = Value() switch
                    {
                        "always" => "always",
                        "everysec" => "everysec",
                        _ => throw new ArgumentException("--redis-fsync is always or everysec."),
                    };
                    break;
                case "--redis-maxmemory": options.RedisMaxMemory = Value(); break;
                case "--redis-cluster":
                    var nodes = Number();
                    options.RedisClusterNodes = nodes >= MinimumClusterNodes
                        ? nodes
                        : throw new ArgumentException($"--redis-cluster needs at least {MinimumClusterNodes} masters (redis-cli --cluster create builds none smaller); got {nodes}. Leave the option out for the single Redis.");
                    break;
                case "--flush-niceness":
                    options.FlushNiceness = Number() is var niceness and <= 19 ? niceness : throw new ArgumentException("--flush-niceness is 0 to 19.");
                    break;
                case "--database":
                    options.Database = Value() switch
                    {
                        StorageBackends.MySql or "mariadb" => StorageBackends.MySql,
                        StorageBackends.PostgreSql => StorageBackends.PostgreSql,
                        var other => throw new ArgumentException($"--database is mysql (or mariadb) or postgres; got {other}."),
                    };
                    break;
                case "--mysql-buffer-pool":
                    mariaDbOptions.Add(name);
                    options.MySqlBufferPool = Value() is var size && DatabaseTuning.IsSize(size)
                        ? size
                        : throw new ArgumentException("--mysql-buffer-pool is a size such as 512M or 4G.");
                    break;
                case "--binlog":
                    mariaDbOptions.Add(name);
                    options.BinaryLog = Value() switch
                    {
                        "on" => true,
                        "off" => false,
                        _ => throw new ArgumentException("--binlog is on or off."),
                    };
                    break;
                case "--state-dir": options.StateDirectory = Path.GetFullPath(Value()); break;
                case "--quiet": options.EchoLogs = false; break;
                case "--no-dashboard": options.Dashboard = false; break;
                case "--no-restart": options.RestartOnCrash = false; break;
                case "--api-setting": AddSetting(options.ApiSettings, name, Value()); break;
                case "--worker-setting": AddSetting(options.WorkerSettings, name, Value()); break;
                case "--gateway-setting": AddSetting(options.GatewaySettings, name, Value()); break;
                default:
                    if (AspireOptions.Contains(name) || (name.StartsWith("--", StringComparison.Ordinal) && name.Contains(':', StringComparison.Ordinal)))
                    {
                        options.AspireArguments.Add(name);
                        if (!name.Contains('=', StringComparison.Ordinal))
                        {
                            options.AspireArguments.Add(Value());
                        }

                        break;
                    }

                    throw new ArgumentException($"Unknown option {name}. {Usage}");
            }
        }

        if (options.IsPostgreSql)
        {
            // Refused rather than ignored: someone asking for the binary log expects point-in-time recovery, which
            // PostgreSQL would need WAL archiving for, and the local stack does not set that up yet.
            if (options.BinaryLog && mariaDbOptions.Contains("--binlog"))
            {
                throw new ArgumentException("--binlog on is MariaDB's binary log; with --database postgres leave it out (PostgreSQL's stack has no point-in-time recovery yet).");
            }

            if (mariaDbOptions.Contains("--mysql-buffer-pool"))
            {
                throw new ArgumentException("--mysql-buffer-pool sizes MariaDB's InnoDB; it does nothing with --database postgres.");
            }

            options.BinaryLog = false;
        }

        return options;
    }

    /// <summary>
    /// The command line for the gateway's default limits for keys that set none of their own (the development key among
    /// them); load tests and benchmarks raise them so the policy does not hide the pipeline.
    /// </summary>
    public static IEnumerable<string> DefaultKeyRateLimits(long requestsPerSecond, long requestBurst, long recordsPerSecond, long recordBurst) =>
    [
        "--gateway-setting", Setting("RateLimits__Requests__PerSecond", requestsPerSecond),
        "--gateway-setting", Setting("RateLimits__Requests__Burst", requestBurst),
        "--gateway-setting", Setting("RateLimits__Records__PerSecond", recordsPerSecond),
        "--gateway-setting", Setting("RateLimits__Records__Burst", recordBurst),
    ];

    /// <summary>The command line for the API's backlog marks: batches are refused above the high one until the backlog falls below the low one.</summary>
    public static IEnumerable<string> BackpressureWaterMarks(long highWaterEntries, long lowWaterEntries) =>
    [
        "--api-setting", Setting("Backpressure__HighWaterEntries", highWaterEntries),
        "--api-setting", Setting("Backpressure__LowWaterEntries", lowWaterEntries),
    ];

    private static string Setting(string key, long value) => string.Create(CultureInfo.InvariantCulture, $"{key}={value}");

    private static void AddSetting(Dictionary<string, string> settings, string option, string value)
    {
        var separator = value.IndexOf('=', StringComparison.Ordinal);
        if (separator <= 0)
        {
            throw new ArgumentException($"{option} takes KEY=VALUE, e.g. {option} Flush__BatchSize=500.");
        }

        settings[value[..separator]] = value[(separator + 1)..];
    }
}
