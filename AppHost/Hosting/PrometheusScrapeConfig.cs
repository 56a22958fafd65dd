using System.Text;
using Persistence.Contracts;

namespace AppHost.Hosting;

/// <summary>
/// <c>&lt;state&gt;/prometheus.yml</c>: a Prometheus scrape configuration for the running stack, one job per role and
/// one target per instance, each at the instance's own <c>/metrics</c> (the port its health endpoints answer on, the
/// gateway's management port for a gateway; never through the gateway's public port). Kept current with resources.json; <c>prometheus --config.file=.state/prometheus.yml</c>.
/// </summary>
public static class PrometheusScrapeConfig
{
    public const string FileName = "prometheus.yml";

    /// <summary>As often as the backlog monitor measures what the gauges carry is pointless; 5 s keeps alerts timely.</summary>
    public const string ScrapeInterval = "5s";

    private static readonly string[] Roles = [StackResources.Gateway, StackResources.Api, StackResources.Worker];

    public static string FilePath(string stateDirectory) => Path.Combine(stateDirectory, FileName);

    /// <summary>The repository's alert rules, loaded too when the stack runs from a checkout.</summary>
    public static string AlertRules { get; } = Path.Combine(BuildOutput.RepositoryRoot, "deploy", "prometheus", "alerts.yml");

    /// <summary>The configuration for <paramref name="rows"/>; instances without an http endpoint yet are left out.</summary>
    public static string Render(IEnumerable<ResourceRow> rows, string? ruleFile = null)
    {
        var text = new StringBuilder()
            .AppendLine("# Written by the AppHost for the stack that runs now; rewritten when it changes.")
            .AppendLine("global:")
            .AppendLine($"  scrape_interval: {ScrapeInterval}")
            .AppendLine($"  evaluation_interval: {ScrapeInterval}");
        if (ruleFile is not null)
        {
            text.AppendLine("rule_files:").AppendLine($"  - '{ruleFile.Replace("'", "''", StringComparison.Ordinal)}'");
        }

        text.AppendLine("scrape_configs:");
        var services = rows.Where(r => r.Kind == "project").ToList();
        foreach (var role in Roles)
        {
            text.AppendLine($"  - job_name: {role}")
                .AppendLine("    metrics_path: /metrics")
                .AppendLine("    static_configs:");
            // The gateway's metrics are on its management endpoint; the other services serve them on their own port.
            var targets = services
                .Where(r => StackResources.IsOf(role, r.Name))
                .Select(r => (r.Name, Endpoint: r.Endpoints.GetValueOrDefault(MetricsEndpoint.Name) ?? r.Endpoints.GetValueOrDefault("http")))
                .Where(t => t.Endpoint is not null)
                .Select(t => (t.Name, Address: new Uri(t.Endpoint!).Authority))
                .ToList();
            if (targets.Count == 0)
            {
                text.AppendLine("      []");
            }

            foreach (var (name, address) in targets)
            {
                text.AppendLine($"      - targets: ['{address}']")
                    .AppendLine("        labels:")
                    .AppendLine($"          resource: {name}");
            }
        }

        return text.ToString();
    }
}
