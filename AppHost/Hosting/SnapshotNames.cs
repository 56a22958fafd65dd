namespace AppHost.Hosting;

/// <summary>Names Aspire uses in resource snapshots but keeps internal (its KnownProperties and KnownResourceNames).</summary>
internal static class SnapshotNames
{
    /// <summary>The pid the orchestrator started: for a project, its <c>dotnet run</c> wrapper.</summary>
    public const string ExecutablePid = "executable.pid";

    public const string Dashboard = "aspire-dashboard";
}
