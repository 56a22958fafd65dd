namespace AppHost;

/// <summary>Values scripts and tests need besides connection strings, as written to resources.json.</summary>
public sealed class StackParameters(string developmentApiKey)
{
    public const string ApiKeyHeader = "X-API-Key";

    public string DevelopmentApiKey { get; } = developmentApiKey;

    public IReadOnlyDictionary<string, string> Published => new Dictionary<string, string>
    {
        ["api-key"] = DevelopmentApiKey,
        ["api-key-header"] = ApiKeyHeader,
    };
}
