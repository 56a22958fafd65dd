using Aspire.Hosting.ApplicationModel;

namespace AppHost.Hosting;

/// <summary>Nothing of the local stack listens beyond loopback.</summary>
public static class LoopbackEndpoints
{
    /// <summary>
    /// Binds and advertises 127.0.0.1 rather than <c>localhost</c>: a client that binds an IPv4 source address (the
    /// gateway tests do) cannot reach an IPv6 <c>::1</c>.
    /// </summary>
    public static IResourceBuilder<T> OnLoopback<T>(this IResourceBuilder<T> resource, string endpointName)
        where T : IResourceWithEndpoints =>
        resource.WithEndpoint(endpointName, endpoint => endpoint.TargetHost = "127.0.0.1");
}
