using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Pipeline.Benchmark;

/// <summary>One printed figure and, where it has one, its ratio to the raw ceiling it is bounded by.</summary>
public sealed record Figure(string Section, string Name, double Value, string Unit, string? Ceiling = null, double? CeilingValue = null)
{
    public double? Ratio => CeilingValue is > 0 ? Value / CeilingValue : null;
}

public sealed record TargetCheck(string Target, string Measured, bool Met);

public sealed record ScaleResult(int Replicas, int Workers, PhaseResult Ingest, long Accepted, long Rows);

/// <summary>Everything a run measured; printed, and written as JSON, Markdown and an SVG chart.</summary>
public sealed class Report
{
    // NaN marks a percentile of no samples; plain JSON has no literal for it.
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals };

    public required Machine Machine { get; init; }

    public required string Command { get; init; }

    public DateTime StartedUtc { get; } = DateTime.UtcNow;

    public string? LoadAtEnd { get; set; }

    public List<Ceiling> Ceilings { get; } = [];

    public List<PhaseResult> Phases { get; } = [];

    public List<Figure> Figures { get; } = [];

    public List<ScaleResult> ScaleOut { get; } = [];

    public List<TargetCheck> Targets { get; } = [];

    public List<string> Notes { get; } = [];

    public void Print(TextWriter output)
    {
        output.WriteLine();
        output.WriteLine(Invariant($"{"section",-12} {"figure",-72} {"value",14} {"unit",-10} {"ratio",7}  ceiling"));
        foreach (var f in Figures)
        {
            output.WriteLine(Invariant($"{f.Section,-12} {f.Name,-72} {f.Value,14:N1} {f.Unit,-10} {(f.Ratio is { } r ? r.ToString("P0", CultureInfo.InvariantCulture) : ""),7}  {f.Ceiling}"));
        }

        output.WriteLine();
        foreach (var t in Targets)
        {
            output.WriteLine($"{(t.Met ? "MET    " : "NOT MET")}  {t.Target}: {t.Measured}");
        }
    }

    public async Task WriteAsync(string folder)
    {
        Directory.CreateDirectory(folder);
        await File.WriteAllTextAsync(Path.Combine(folder, "pipeline-benchmark.json"), JsonSerializer.Serialize(this, Indented));
        await File.WriteAllTextAsync(Path.Combine(folder, "pipeline-benchmark.md"), Markdown());
        await File.WriteAllTextAsync(Path.Combine(folder, "latency-vs-load.svg"), Chart.Svg(Phases));
    }

    public string Markdown()
    {
        var md = new StringBuilder();
        md.AppendLine("# Pipeline benchmark results").AppendLine();
        md.AppendLine(Invariant($"Run {StartedUtc:yyyy-MM-dd HH:mm} UTC: `{Command}`")).AppendLine();
        md.AppendLine(Invariant($"Machine: {Machine.Cpu}, {Machine.LogicalCores} logical cores, {Machine.MemoryGiB} GiB; {Machine.Os}; {Machine.Runtime}. "))
            .AppendLine(Invariant($"Load average (1/5/15 min) at start {Machine.LoadAverage}, at end {LoadAtEnd}.")).AppendLine();
        md.AppendLine("## Figures").AppendLine();
        md.AppendLine("| Section | Figure | Value | Unit | Ratio | Ceiling |").AppendLine("|---|---|---:|---|---:|---|");
        foreach (var f in Figures)
        {
            md.AppendLine(Invariant($"| {f.Section} | {f.Name} | {f.Value:N1} | {f.Unit} | {(f.Ratio is { } r ? r.ToString("P0", CultureInfo.InvariantCulture) : "")} | {f.Ceiling} |"));
        }

        md.AppendLine().AppendLine("## Load phases").AppendLine();
        md.AppendLine("| Target | Loop | Batch | Clients / offered req/s | req/s | records/s | p50 ms | p95 ms | p99 ms | max ms | errors |")
            .AppendLine("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var p in Phases)
        {
            md.AppendLine(Invariant($"| {p.Target} | {p.Mode} | {p.BatchSize} | {(p.Mode == "open" ? p.OfferedRequestsPerSecond.ToString("N1", CultureInfo.InvariantCulture) : p.Concurrency.ToString(CultureInfo.InvariantCulture))} | {p.RequestsPerSecond:N1} | {p.RecordsPerSecond:N0} | {p.P50Ms:F1} | {p.P95Ms:F1} | {p.P99Ms:F1} | {p.MaxMs:F1} | {p.Errors} |"));
        }

        if (ScaleOut.Count > 0)
        {
            md.AppendLine().AppendLine("## Scale-out (closed loop, 100-record batches, through the gateway)").AppendLine();
            md.AppendLine("| API replicas | Workers | records/s | req/s | p50 ms | p99 ms | errors | accepted | rows |").AppendLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
            foreach (var s in ScaleOut)
            {
                md.AppendLine(Invariant($"| {s.Replicas} | {s.Workers} | {s.Ingest.RecordsPerSecond:N0} | {s.Ingest.RequestsPerSecond:N1} | {s.Ingest.P50Ms:F1} | {s.Ingest.P99Ms:F1} | {s.Ingest.Errors} | {s.Accepted:N0} | {s.Rows:N0} |"));
            }
        }

        md.AppendLine().AppendLine("## Targets").AppendLine();
        foreach (var t in Targets)
        {
            md.AppendLine(Invariant($"- {(t.Met ? "**met**" : "**not met**")}: {t.Target} ({t.Measured})"));
        }

        if (Notes.Count > 0)
        {
            md.AppendLine().AppendLine("## Notes").AppendLine();
            Notes.ForEach(n => md.AppendLine("- " + n));
        }

        return md.ToString();
    }

    public static string Invariant(FormattableString text) => FormattableString.Invariant(text);
}

/// <summary>p99 latency against offered load, one line per target and batch size, hand-written SVG.</summary>
public static class Chart
{
    private const int Width = 760;
    private const int Height = 420;
    private const int Left = 70;
    private const int Right = 200;
    private const int Top = 30;
    private const int Bottom = 50;
    private static readonly string[] Colors = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#17becf", "#bcbd22"];

    public static string Svg(IReadOnlyList<PhaseResult> phases)
    {
        // Offered load as a share of the closed-loop maximum puts every series on one axis; the maximum itself is
        // the 100% point, latency on a log scale because it spans three orders of magnitude.
        var series = phases.Where(p => p.Target is "gateway" or "direct" or "naive")
            .GroupBy(p => (p.Target, p.BatchSize))
            .Select(g =>
            {
                var max = g.FirstOrDefault(p => p.Mode == "closed");
                var points = g.Where(p => p.Mode == "open" && max is { RequestsPerSecond: > 0 })
                    .Select(p => (X: 100 * p.OfferedRequestsPerSecond / max!.RequestsPerSecond, Y: p.P99Ms))
                    .Concat(max is null ? [] : [(X: 100.0, Y: max.P99Ms)])
                    .Where(p => p.Y > 0 && double.IsFinite(p.Y))
                    .OrderBy(p => p.X)
                    .ToList();
                return (Label: $"{g.Key.Target}, batch {g.Key.BatchSize}", Points: points);
            })
            .Where(s => s.Points.Count > 0)
            .ToList();

        var all = series.SelectMany(s => s.Points).Select(p => p.Y).DefaultIfEmpty(1).ToList();
        var yMin = Math.Pow(10, Math.Floor(Math.Log10(Math.Max(0.1, all.Min()))));
        var yMax = Math.Pow(10, Math.Ceiling(Math.Log10(Math.Max(yMin * 10, all.Max()))));
        double X(double percent) => Left + (percent / 110 * (Width - Left - Right));
        double Y(double ms) => Top + ((Math.Log10(yMax) - Math.Log10(Math.Max(ms, yMin))) / (Math.Log10(yMax) - Math.Log10(yMin)) * (Height - Top - Bottom));

        var svg = new StringBuilder();
        svg.AppendLine(Report.Invariant($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{Height}\" font-family=\"sans-serif\" font-size=\"12\">"));
        svg.AppendLine("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>");
        svg.AppendLine(Report.Invariant($"<text x=\"{Left}\" y=\"18\" font-size=\"14\">p99 latency vs offered load (share of the closed-loop maximum)</text>"));
        for (var decade = yMin; decade <= yMax * 1.001; decade *= 10)
        {
            svg.AppendLine(Report.Invariant($"<line x1=\"{Left}\" x2=\"{Width - Right}\" y1=\"{Y(decade):F1}\" y2=\"{Y(decade):F1}\" stroke=\"#ddd\"/><text x=\"{Left - 6}\" y=\"{Y(decade) + 4:F1}\" text-anchor=\"end\">{decade:G} ms</text>"));
        }

        foreach (var percent in (int[])[0, 25, 50, 75, 90, 100])
        {
            svg.AppendLine(Report.Invariant($"<line x1=\"{X(percent):F1}\" x2=\"{X(percent):F1}\" y1=\"{Top}\" y2=\"{Height - Bottom}\" stroke=\"#eee\"/><text x=\"{X(percent):F1}\" y=\"{Height - Bottom + 16}\" text-anchor=\"middle\">{percent}%</text>"));
        }

        svg.AppendLine(Report.Invariant($"<text x=\"{(Left + Width - Right) / 2}\" y=\"{Height - 12}\" text-anchor=\"middle\">offered load, % of measured maximum (100% = closed loop)</text>"));
        for (var i = 0; i < series.Count; i++)
        {
            var color = Colors[i % Colors.Length];
            var (label, points) = series[i];
            svg.AppendLine($"<polyline fill=\"none\" stroke=\"{color}\" stroke-width=\"2\" points=\"{string.Join(' ', points.Select(p => Report.Invariant($"{X(p.X):F1},{Y(p.Y):F1}")))}\"/>");
            foreach (var p in points)
            {
                svg.AppendLine(Report.Invariant($"<circle cx=\"{X(p.X):F1}\" cy=\"{Y(p.Y):F1}\" r=\"3\" fill=\"{color}\"/>"));
            }

            svg.AppendLine(Report.Invariant($"<rect x=\"{Width - Right + 15}\" y=\"{Top + (i * 18)}\" width=\"12\" height=\"3\" fill=\"{color}\"/><text x=\"{Width - Right + 32}\" y=\"{Top + (i * 18) + 5}\">{label}</text>"));
        }

        svg.AppendLine("</svg>");
        return svg.ToString();
    }
}
