using AppHost.Hosting;

namespace AppHost;

internal static class ReadyTable
{
    public static void Print(DistributedApplication app)
    {
        var rows = app.Resources
            .Select(r => (r.Name, r.Kind, Pid: r.Process?.Id.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-", Endpoints: string.Join(' ', r.Endpoints.Values)))
            .ToList();
        var nameWidth = rows.Max(r => r.Name.Length);
        var kindWidth = rows.Max(r => r.Kind.Length);
        Console.WriteLine();
        Console.WriteLine($"{"RESOURCE".PadRight(nameWidth)}  {"KIND".PadRight(kindWidth)}  {"PID",7}  ENDPOINT");
        foreach (var row in rows)
        {
            Console.WriteLine($"{row.Name.PadRight(nameWidth)}  {row.Kind.PadRight(kindWidth)}  {row.Pid,7}  {row.Endpoints}");
        }

        Console.WriteLine();
        Console.WriteLine($"Ready. Gateway: {app.Get<ProjectResource>(Topology.Gateway).HttpEndpoint}  State and logs: {app.Context.StateDirectory}");
        if (app.Parameters.TryGetValue("api-key", out var apiKey))
        {
            Console.WriteLine($"Development API key (all scopes): {apiKey}");
            Console.WriteLine($"  e.g. curl -H 'X-API-Key: {apiKey}' {app.Get<ProjectResource>(Topology.Gateway).HttpEndpoint}api/v1/persistence/stats");
        }

        Console.WriteLine($"Connection strings and the key are in {app.ResourcesFile}. Ctrl+C stops everything.");
    }
}
