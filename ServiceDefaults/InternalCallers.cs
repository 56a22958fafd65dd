using System.ComponentModel.DataAnnotations;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// The contract between the gateway and the services behind it. The gateway proves itself with a shared credential
/// and tells the service which API key the caller used; a service accepts those headers from nobody else.
/// </summary>
public static class InternalCallers
{
    public const string SectionName = "InternalAuthentication";

    /// <summary>Carries the shared credential; set by the gateway, stripped from anything a client sends.</summary>
    public const string CredentialHeader = "X-Internal-Credential";

    /// <summary>The id (never the secret) of the API key the gateway authenticated.</summary>
    public const string KeyIdHeader = "X-Api-Key-Id";
}

public sealed class InternalAuthenticationOptions
{
    /// <summary>The shared secret; in a cluster, a Kubernetes Secret mounted into the gateway and the services.</summary>
    [MinLength(32)]
    public string? Credential { get; set; }

    /// <summary>
    /// Serve callers that do not present the credential. Only for a network where nothing but the gateway can reach
    /// the service (a NetworkPolicy that admits the gateway's pods alone); off by default.
    /// </summary>
    public bool AllowUnauthenticated { get; set; }
}
