using System.ComponentModel.DataAnnotations;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Where <c>/metrics</c> answers. By default on the service's own port, beside the health endpoints: right for the API
/// replicas and workers, which nothing outside the cluster reaches. The gateway's port is public, so it serves its
/// metrics on a management port of their own, which only Prometheus is given.
/// </summary>
public sealed class MetricsEndpointOptions
{
    public const string SectionName = "Metrics";

    /// <summary>
    /// Serve <c>/metrics</c> only to requests that arrive on this port (0: on every port the service listens on). The
    /// service must also listen on it (<c>ASPNETCORE_URLS</c>); the AppHost gives the gateway both.
    /// </summary>
    [Range(0, 65535)]
    public int Port { get; set; }
}
