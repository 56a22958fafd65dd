namespace AppHost;

/// <summary>What to run. The command line sets these for people; the integration tests set them directly.</summary>
public sealed class StackOptions
{
    public int GatewayPort { get; set; } = 8000;

    public int Replicas { get; set; } = 3;

    public int Workers { get; set; } = 1;

    /// <summary>
    /// Redis <c>appendfsync</c>: <c>everysec</c> may lose the last second of accepted batches if the Redis host (not
    /// just the process) crashes; <c>always</c> fsyncs before every reply, so a 202 survives that too, at a cost in
    /// throughput.
    /// </summary>
    public string RedisAppendFsync { get; set; } = "everysec";

    /// <summary>Redis <c>maxmemory</c> (e.g. <c>4gb</c>); past it writes fail instead of evicting anything.</summary>
    public string RedisMaxMemory { get; set; } = "4gb";

    /// <summary>
    /// CPU niceness of the flush path, MariaDB and the workers (0 to 19, added to AppHost's own, which the ingest path
    /// keeps). On one machine they compete for the cores with the ingest path, whose callers are waiting; the flush
    /// only has to keep up on average, as the stream buffers the rest. 0 gives all processes the same share.
    /// </summary>
    public int FlushNiceness { get; set; } = 10;

    /// <summary>Gateway instances; the first listens on <see cref="GatewayPort"/>, the others on free ports.</summary>
    public int Gateways { get; set; } = 1;

    public string StateDirectory { get; set; } = Path.Combine(Hosting.BuildOutput.RepositoryRoot, ".state");

    /// <summary>Copy every process's log lines to the console (always written to <c>logs/</c> in the state folder).</summary>
    public bool EchoLogs { get; set; } = true;

    /// <summary>Extra settings, as environment variables, for each service.</summary>
    public Dictionary<string, string> ApiSettings { get; } = [];

    public Dictionary<string, string> WorkerSettings { get; } = [];

    public Dictionary<string, string> GatewaySettings { get; } = [];

    /// <summary>
    /// The gateway's default limits for keys that set none of their own, the development key among them; load tests
    /// and benchmarks raise them so the policy does not hide the pipeline.
    /// </summary>
    public void SetDefaultKeyRateLimits(long requestsPerSecond, long requestBurst, long recordsPerSecond, long recordBurst)
    {
        GatewaySettings["RateLimits__Requests__PerSecond"] = Invariant(requestsPerSecond);
        GatewaySettings["RateLimits__Requests__Burst"] = Invariant(requestBurst);
        GatewaySettings["RateLimits__Records__PerSecond"] = Invariant(recordsPerSecond);
        GatewaySettings["RateLimits__Records__Burst"] = Invariant(recordBurst);
    }

    /// <summary>The API's backlog marks: batches are refused above the high one until the backlog falls below the low one.</summary>
    public void SetBackpressureWaterMarks(long highWaterEntries, long lowWaterEntries)
    {
        ApiSettings["Backpressure__HighWaterEntries"] = Invariant(highWaterEntries);
        ApiSettings["Backpressure__LowWaterEntries"] = Invariant(lowWaterEntries);
    }

    public static StackOptions Parse(IReadOnlyList<string> args)
    {
        var options = new StackOptions();
        for (var i = 0; i < args.Count; i++)
        {
            string Value() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            int Number() => int.TryParse(Value(), out var n) && n >= 0 ? n : throw new ArgumentException($"{args[i - 1]} needs a whole number.");

            switch (args[i])
            {
                case "--gateway-port": options.GatewayPort = Number(); break;
                case "--replicas": options.Replicas = Math.Max(1, Number()); break;
                case "--workers": options.Workers = Math.Max(1, Number()); break;
                case "--gateways": options.Gateways = Math.Max(1, Number()); break;
                case "--redis-fsync":
                    options.RedisAppendFsync = Value() switch
                    {
                        "always" => "always",
                        "everysec" => "everysec",
                        _ => throw new ArgumentException("--redis-fsync is always or everysec."),
                    };
                    break;
                case "--redis-maxmemory": options.RedisMaxMemory = Value(); break;
                case "--flush-niceness":
                    options.FlushNiceness = Number() is var niceness and <= 19 ? niceness : throw new ArgumentException("--flush-niceness is 0 to 19.");
                    break;
                case "--state-dir": options.StateDirectory = Path.GetFullPath(Value()); break;
                case "--quiet": options.EchoLogs = false; break;
                default: throw new ArgumentException($"Unknown option {args[i]}. Options: --gateway-port N --replicas N --workers N --gateways N --redis-fsync always|everysec --redis-maxmemory SIZE --flush-niceness 0-19 --state-dir PATH --quiet");
            }
        }

        return options;
    }

    private static string Invariant(long value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
