using System.Globalization;

namespace Pipeline.Benchmark;

/// <summary>The command line: <c>[--quick] [--duration S] [--phase S] [--out DIR] [--scale 1x1,2x1,…|none] [--no-naive] [--gateway-setting KEY=VALUE]</c>.</summary>
public sealed class BenchOptions
{
    /// <summary>Seconds of the end-to-end run (the lag runs take half of it each, at least 10 s).</summary>
    public int Duration { get; set; } = 60;

    /// <summary>Measured seconds of each ingest and ceiling phase, after a one-second warm-up.</summary>
    public int Phase { get; set; } = 8;

    public string Out { get; set; } = Path.Combine(AppHost.Hosting.BuildOutput.RepositoryRoot, "bench", "results");

    public int Replicas { get; set; } = 2;

    public int Workers { get; set; } = 1;

    /// <summary>API replicas × workers per scale-out stack.</summary>
    public List<(int Replicas, int Workers)> Scale { get; } = [(1, 1), (2, 1), (3, 1), (1, 2), (2, 2)];

    public bool Naive { get; set; } = true;

    /// <summary>Extra gateway settings (<c>--gateway-setting KEY=VALUE</c>), e.g. to switch a feature off and see its cost.</summary>
    public Dictionary<string, string> GatewaySettings { get; } = [];

    public static BenchOptions Parse(IReadOnlyList<string> args)
    {
        var options = new BenchOptions();
        for (var i = 0; i < args.Count; i++)
        {
            string Value() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            int Number() => int.TryParse(Value(), CultureInfo.InvariantCulture, out var n) && n > 0 ? n : throw new ArgumentException($"{args[i - 1]} needs a positive whole number.");

            switch (args[i])
            {
                case "--quick":
                    options.Duration = 10;
                    options.Phase = 3;
                    options.Scale.RemoveAll(s => s is not ((1, 1) or (2, 2)));
                    break;
                case "--duration": options.Duration = Number(); break;
                case "--phase": options.Phase = Number(); break;
                case "--out": options.Out = Path.GetFullPath(Value()); break;
                case "--replicas": options.Replicas = Number(); break;
                case "--workers": options.Workers = Number(); break;
                case "--no-naive": options.Naive = false; break;
                case "--gateway-setting":
                    var setting = Value().Split('=', 2);
                    options.GatewaySettings[setting[0]] = setting.Length == 2 ? setting[1] : throw new ArgumentException("--gateway-setting needs KEY=VALUE.");
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
                    throw new ArgumentException($"Unknown option {args[i]}. Options: --quick --duration S --phase S --out DIR --replicas N --workers N --scale 1x1,2x1,…|none --no-naive --gateway-setting KEY=VALUE");
            }
        }

        return options;
    }
}
