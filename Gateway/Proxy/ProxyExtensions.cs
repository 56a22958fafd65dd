using Yarp.ReverseProxy.ServiceDiscovery;

namespace Gateway.Proxy;

public static class ProxyExtensions
{
    /// <summary>The YARP routes, clusters, load balancing and health checks live in this configuration section.</summary>
    public const string SectionName = "ReverseProxy";

    public static IHostApplicationBuilder AddPersistenceProxy(this IHostApplicationBuilder builder)
    {
        builder.Services.AddReverseProxy()
            .LoadFromConfig(builder.Configuration.GetSection(SectionName));
        builder.Services.AddSingleton<IDestinationResolver, ServiceDiscoveryDestinationResolver>();
        return builder;
    }
}
