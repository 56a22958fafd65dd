namespace AppHost.Hosting;

/// <summary>
/// The dashboard shows secret values and runs operator commands, so a browser logs in with a token (the printed link
/// carries it) and the telemetry API wants a key.
/// </summary>
public static class DashboardSecurity
{
    /// <summary>Where Aspire reads the dashboard's browser token.</summary>
    public const string BrowserTokenKey = "AppHost:BrowserToken";

    /// <summary>Where Aspire reads the key of the dashboard's telemetry API.</summary>
    public const string ApiKeyKey = "AppHost:DashboardApiKey";

    /// <summary>
    /// Both kept with the state folder's secrets. A caller that configured its own (the tests do) keeps them.
    /// </summary>
    public static IDistributedApplicationBuilder SecureDashboard(this IDistributedApplicationBuilder builder, StateSecrets secrets)
    {
        builder.Configuration[BrowserTokenKey] ??= secrets.DashboardBrowserToken;
        builder.Configuration[ApiKeyKey] ??= secrets.DashboardApiKey;
        return builder;
    }
}
