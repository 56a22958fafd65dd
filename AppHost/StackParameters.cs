namespace AppHost;

/// <summary>Values scripts and tests need besides connection strings, as written to resources.json.</summary>
public sealed class StackParameters(string developmentApiKey, string dashboardBrowserToken, string dashboardApiKey)
{
    public const string ApiKeyHeader = "X-API-Key";

    public string DevelopmentApiKey { get; } = developmentApiKey;

    public string DashboardBrowserToken { get; } = dashboardBrowserToken;

    public IReadOnlyDictionary<string, string> Published => new Dictionary<string, string>
    {
        ["api-key"] = DevelopmentApiKey,
        ["api-key-header"] = ApiKeyHeader,
        ["dashboard-token"] = DashboardBrowserToken,
        ["dashboard-api-key"] = dashboardApiKey,
    };
}
