using System.Globalization;
using System.Net;
using Microsoft.Extensions.Primitives;
using Microsoft.Extensions.ServiceDiscovery;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.ServiceDiscovery;

namespace Gateway.Proxy;

/// <summary>
/// Expands a destination addressed by service name (<c>http://persistence-api</c>) into one destination per replica,
/// found through Microsoft.Extensions.ServiceDiscovery (<c>services__persistence-api__http__0</c>, … in
/// configuration, DNS in a cluster). YARP re-resolves when discovery signals a change, so replicas can come and go.
/// </summary>
public sealed class ServiceDiscoveryDestinationResolver(ServiceEndpointResolver resolver, ILogger<ServiceDiscoveryDestinationResolver> logger)
    : IDestinationResolver
{
    public async ValueTask<ResolvedDestinationCollection> ResolveDestinationsAsync(
        IReadOnlyDictionary<string, DestinationConfig> destinations, CancellationToken cancellationToken)
    {
        var resolved = new Dictionary<string, DestinationConfig>(StringComparer.OrdinalIgnoreCase);
        var changeTokens = new List<IChangeToken>();

        foreach (var (name, destination) in destinations)
        {
            var address = new Uri(destination.Address);
            if (IPAddress.TryParse(address.Host, out _))
            {
                resolved[name] = destination;
                continue;
            }

            var source = await resolver.GetEndpointsAsync(address.GetLeftPart(UriPartial.Authority), cancellationToken);
            changeTokens.Add(source.ChangeToken);
            for (var i = 0; i < source.Endpoints.Count; i++)
            {
                var replica = ToUri(source.Endpoints[i].EndPoint, address.Scheme);
                var replicaAddress = new UriBuilder(address) { Host = replica.Host, Port = replica.Port }.Uri.ToString();
                resolved[string.Create(CultureInfo.InvariantCulture, $"{name}[{i}]")] = destination with { Address = replicaAddress };
            }

            Log.Resolved(logger, destination.Address, source.Endpoints.Count);
        }

        var changeToken = changeTokens.Count switch
        {
            0 => null,
            1 => changeTokens[0],
            _ => new CompositeChangeToken(changeTokens),
        };
        return new ResolvedDestinationCollection(resolved, changeToken);
    }

    private static Uri ToUri(EndPoint endPoint, string scheme) => endPoint switch
    {
        UriEndPoint uri => uri.Uri,
        IPEndPoint ip => new UriBuilder(scheme, ip.Address.ToString(), ip.Port).Uri,
        DnsEndPoint dns => new UriBuilder(scheme, dns.Host, dns.Port).Uri,
        _ => throw new InvalidOperationException($"Service discovery returned an endpoint YARP cannot address: {endPoint}."),
    };
}
