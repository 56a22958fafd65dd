using System.Globalization;

namespace Fault.Suite;

/// <summary>How long and how hard to push, and which faults to inject.</summary>
public sealed class FaultOptions
{
    public static readonly IReadOnlyList<string> AllFaults =
        ["worker-kill", "worker-dead", "api-kill", "database-stop", "redis-restart", "redis-full", "full-restart", "database-slow"];

    /// <summary>The faults of the database itself, the ones that differ between backends.</summary>
    public static readonly IReadOnlyList<string> DatabaseFaults = ["database-stop", "database-slow"];

    /// <summary>Load before each fault, so it hits a pipeline in motion.</summary>
    public TimeSpan LoadBefore { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Load after the fault was injected (and undone).</summary>
    public TimeSpan LoadAfter { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Records per second offered by the client, over all senders.</summary>
    public int RecordsPerSecond { get; set; } = 5_000;

    public int Senders { get; set; } = 4;

    public int BatchSize { get; set; } = 100;

    public LoadShape Shape { get; set; } = LoadShape.Lifecycle;

    public int WorkerKills { get; set; } = 10;

    public TimeSpan DatabaseDowntime { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The stack's database: <c>mysql</c> (MariaDB) or <c>postgres</c>, as the AppHost's <c>--database</c> takes it.</summary>
    public string Database { get; set; } = Persistence.Contracts.StorageBackends.MySql;

    /// <summary>How long a killed worker stays dead (worker-dead) before it is started again.</summary>
    public TimeSpan WorkerDowntime { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>How long Redis stays over its maxmemory (redis-full) once ingest sheds.</summary>
    public TimeSpan RedisFullHold { get; set; } = TimeSpan.FromSeconds(10);

    public List<string> Faults { get; } = [.. AllFaults];

    public string? StateDirectory { get; set; }

    /// <summary>The CI variant: every fault, briefly (a second of load on each side still has every fault hit records in flight).</summary>
    public static FaultOptions Quick() => new()
    {
        LoadBefore = TimeSpan.FromSeconds(1),
        LoadAfter = TimeSpan.FromSeconds(1),
        RecordsPerSecond = 2_000,
        WorkerKills = 3,
        DatabaseDowntime = TimeSpan.FromSeconds(5),
        WorkerDowntime = TimeSpan.FromSeconds(3),
        RedisFullHold = TimeSpan.FromSeconds(2),
    };

    public static FaultOptions Parse(IReadOnlyList<string> args)
    {
        var options = args.Contains("--quick") ? Quick() : new FaultOptions();
        for (var i = 0; i < args.Count; i++)
        {
            string Value() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            int Number() => int.Parse(Value(), CultureInfo.InvariantCulture);
            switch (args[i])
            {
                case "--quick": break;
                case "--load-seconds": options.LoadBefore = options.LoadAfter = TimeSpan.FromSeconds(Number()); break;
                case "--rate": options.RecordsPerSecond = Number(); break;
                case "--senders": options.Senders = Number(); break;
                case "--batch": options.BatchSize = Number(); break;
                case "--load":
                    options.Shape = Enum.TryParse<LoadShape>(Value(), ignoreCase: true, out var shape) && Enum.IsDefined(shape)
                        ? shape
                        : throw new ArgumentException("--load is lifecycle or mixed.");
                    break;
                case "--worker-kills": options.WorkerKills = Number(); break;
                case "--database-down-seconds": options.DatabaseDowntime = TimeSpan.FromSeconds(Number()); break;
                case "--database":
                    options.Database = Value() is var database && Persistence.Contracts.StorageBackends.All.Contains(database)
                        ? database
                        : throw new ArgumentException($"--database is {string.Join(" or ", Persistence.Contracts.StorageBackends.All)}.");
                    break;
                case "--worker-down-seconds": options.WorkerDowntime = TimeSpan.FromSeconds(Number()); break;
                case "--redis-full-seconds": options.RedisFullHold = TimeSpan.FromSeconds(Number()); break;
                case "--state-dir": options.StateDirectory = Path.GetFullPath(Value()); break;
                case "--faults":
                    options.Faults.Clear();
                    options.Faults.AddRange(Value().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
                    if (options.Faults.FirstOrDefault(f => !AllFaults.Contains(f)) is { } unknown)
                    {
                        throw new ArgumentException($"Unknown fault {unknown}; known: {string.Join(",", AllFaults)}.");
                    }

                    break;
                default:
                    throw new ArgumentException(
                        $"Unknown option {args[i]}. Options: --quick --load-seconds N --rate N --senders N --batch N --load lifecycle|mixed --worker-kills N --database mysql|postgres --database-down-seconds N --worker-down-seconds N --redis-full-seconds N --faults {string.Join(",", AllFaults)} --state-dir PATH");
            }
        }

        return options;
    }
}
