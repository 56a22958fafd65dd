using Aspire.Hosting.ApplicationModel;

namespace AppHost.Hosting;

/// <summary>
/// The gateway's management endpoint, where it serves <c>/metrics</c> and nothing else, so the public port does not
/// tell anyone what traffic flows.
/// </summary>
public static class MetricsEndpoint
{
    /// <summary>The endpoint's name on the resource (and in the manifest's bindings).</summary>
    public const string Name = "metrics";

    /// <summary>Where a published gateway serves its metrics: the port Prometheus exporters conventionally use.</summary>
    public const int PublishedPort = 9464;

    /// <summary>
    /// A second, internal endpoint for <c>/metrics</c> (Metrics:Port names it to the service). On loopback in a local
    /// run; not external once published.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithMetricsEndpoint(this IResourceBuilder<ProjectResource> project)
    {
        var published = !project.ApplicationBuilder.ExecutionContext.IsRunMode;
        project.WithHttpEndpoint(targetPort: published ? PublishedPort : null, name: Name, isProxied: false)
            .OnLoopback(Name);
        return project.WithEnvironment(
            "Metrics__Port", project.GetEndpoint(Name).Property(EndpointProperty.TargetPort));
    }
}
