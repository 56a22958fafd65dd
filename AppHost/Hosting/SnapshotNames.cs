using System.Globalization;
using Aspire.Hosting.ApplicationModel;

namespace AppHost.Hosting;

/// <summary>Names Aspire uses in resource snapshots but keeps internal (its KnownProperties and KnownResourceNames).</summary>
internal static class SnapshotNames
{
    /// <summary>The pid of the process the orchestrator started.</summary>
    public const string ExecutablePid = "executable.pid";

    public const string Dashboard = "aspire-dashboard";

    public static int? ProcessId(CustomResourceSnapshot snapshot) =>
        snapshot.Properties.FirstOrDefault(p => p.Name == ExecutablePid)?.Value?.ToString() is { } value
        && int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
            ? pid
            : null;
}
