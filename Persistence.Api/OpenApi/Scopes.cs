namespace Persistence.Api.OpenApi;

/// <summary>
/// The API-key scopes as the gateway names them (its authorization policies). The gateway enforces them; the API
/// only states them in its document, and the route-equality test holds the two together.
/// </summary>
public static class Scopes
{
    public const string Ingest = "ingest";
    public const string Read = "read";
    public const string Admin = "admin";
    public const string Review = "review";
}

/// <summary>Endpoint metadata: the scope a key needs for this route.</summary>
public sealed record RequiredScope(string Scope);
