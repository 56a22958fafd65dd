namespace Persistence.Api.OpenApi;

/// <summary>
/// Endpoint metadata: the scope (<see cref="Persistence.Contracts.Scopes"/>) a key needs for this route. The gateway
/// enforces it; the API only states it in its document, and the route-equality test holds the two together.
/// </summary>
public sealed record RequiredScope(string Scope);
