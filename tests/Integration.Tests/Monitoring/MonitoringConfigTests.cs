using System.Text.Json;
using AppHost;

namespace Integration.Tests.Monitoring;

/// <summary>
/// The Grafana dashboard and the alert rules in deploy/ read only series the services export (the list the
/// Prometheus test proves against the running stack), and the dashboard shows what the runbook points at.
/// </summary>
public sealed class MonitoringConfigTests
{
    private static readonly string Dashboard = Path.Combine(BuildOutput.RepositoryRoot, "deploy", "grafana", "persistence-dashboard.json");
    private static readonly string Alerts = Path.Combine(BuildOutput.RepositoryRoot, "deploy", "prometheus", "alerts.yml");

    [Fact]
    public void The_dashboard_is_valid_JSON_and_has_a_panel_with_queries_for_each_signal_the_runbook_names()
    {
        var panels = Panels();

        string[] signals = ["Request rate", "latency p50 / p95 / p99", "Errors", "Backlog", "Flush lag", "Dead letters"];
        foreach (var signal in signals)
        {
            Assert.Contains(panels, p => p.Title.Contains(signal, StringComparison.Ordinal) && p.Queries.Count > 0);
        }

        var latency = panels.Single(p => p.Title.Contains("p50 / p95 / p99", StringComparison.Ordinal));
        Assert.All(["0.50", "0.95", "0.99"], q => Assert.Contains(latency.Queries, e => e.Contains($"histogram_quantile({q},", StringComparison.Ordinal)));
    }

    [Fact]
    public void Every_dashboard_query_reads_only_series_the_services_export()
    {
        var queries = Panels().SelectMany(p => p.Queries).ToList();

        Assert.NotEmpty(queries);
        Assert.All(queries, AssertExported);
    }

    [Fact]
    public void Every_alert_expression_reads_only_series_the_services_export()
    {
        var expressions = AlertExpressions();

        Assert.Equal(7, expressions.Count);
        Assert.All(expressions, AssertExported);
    }

    [Fact]
    public void The_series_reader_finds_the_names_and_skips_functions_labels_ranges_and_groupings()
    {
        var names = PromQl.SeriesNames(
            "histogram_quantile(0.99, sum by (le, job) (rate(a_seconds_bucket{job=\"x\", b=~\"5..\"}[$__rate_interval]))) / ignoring(z) b_total offset 5m");

        Assert.Equal(["a_seconds_bucket", "b_total"], names.Order(StringComparer.Ordinal));
    }

    private static void AssertExported(string expression)
    {
        var names = PromQl.SeriesNames(expression);
        Assert.NotEmpty(names);
        var unknown = names.Where(n => !ExportedSeries.Names.Contains(n)).ToList();
        Assert.True(unknown.Count == 0, $"{expression} reads {string.Join(", ", unknown)}, which no service exports.");
    }

    private sealed record Panel(string Title, IReadOnlyList<string> Queries);

    private static List<Panel> Panels()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Dashboard));
        return [.. document.RootElement.GetProperty("panels").EnumerateArray().Select(panel => new Panel(
            panel.GetProperty("title").GetString()!,
            [.. panel.GetProperty("targets").EnumerateArray().Select(t => t.GetProperty("expr").GetString()!)]))];
    }

    /// <summary>The <c>expr:</c> values of the rule file, one-line or block (<c>|</c>), without a YAML library.</summary>
    private static List<string> AlertExpressions()
    {
        var lines = File.ReadAllLines(Alerts);
        var expressions = new List<string>();
        for (var i = 0; i < lines.Length; i++)
        {
            var trimmed = lines[i].TrimStart();
            if (!trimmed.StartsWith("expr:", StringComparison.Ordinal))
            {
                continue;
            }

            var value = trimmed["expr:".Length..].Trim();
            if (value != "|")
            {
                expressions.Add(value);
                continue;
            }

            var indent = lines[i].Length - trimmed.Length;
            var block = new List<string>();
            while (i + 1 < lines.Length && (lines[i + 1].Length - lines[i + 1].TrimStart().Length > indent || lines[i + 1].Trim().Length == 0))
            {
                block.Add(lines[++i].Trim());
            }

            expressions.Add(string.Join(' ', block).Trim());
        }

        return expressions;
    }
}
