using System.Globalization;
using Persistence.Contracts;

namespace AppHost.Hosting;

/// <summary>What a person needs once the stack is up: every resource with its pid and endpoints, where to send requests, and the key.</summary>
internal static class ReadyTable
{
    public static void Print(IReadOnlyList<ResourceRow> rows, StackOptions options, StackParameters parameters, string? dashboard)
    {
        var nameWidth = rows.Max(r => r.Name.Length);
        var kindWidth = rows.Max(r => r.Kind.Length);
        var output = Console.Out;
        output.WriteLine();
        output.WriteLine($"{"RESOURCE".PadRight(nameWidth)}  {"KIND".PadRight(kindWidth)}  {"PID",7}  ENDPOINT");
        foreach (var row in rows)
        {
            var pid = row.ProcessId?.ToString(CultureInfo.InvariantCulture) ?? "-";
            output.WriteLine($"{row.Name.PadRight(nameWidth)}  {row.Kind.PadRight(kindWidth)}  {pid,7}  {string.Join(' ', row.Endpoints.Values)}");
        }

        output.WriteLine();
        var gateway = rows.FirstOrDefault(r => r.Name == StackResources.Gateway)?.Endpoints.GetValueOrDefault("http");
        output.WriteLine($"Ready. Gateway: {gateway}  State and logs: {options.StateDirectory}");
        if (dashboard is not null)
        {
            // The orchestrator's address of the dashboard is its login link, with the token.
            output.WriteLine($"Dashboard: {dashboard}");
        }

        // A quiet run (CI, scripts) keeps its secrets out of its console log; they are in resources.json.
        if (options.EchoLogs)
        {
            output.WriteLine($"Development API key (all scopes): {parameters.DevelopmentApiKey}");
            output.WriteLine($"  e.g. curl -H '{StackParameters.ApiKeyHeader}: {parameters.DevelopmentApiKey}' {gateway}{ApiRoutes.Persistence.Stats}");
        }

        output.WriteLine($"Connection strings and the key are in {StackStatus.FilePath(options.StateDirectory)}. Ctrl+C stops everything.");
    }
}
