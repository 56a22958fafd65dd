using System.Globalization;
using Aspire.Hosting.ApplicationModel;
using Persistence.Contracts;

namespace AppHost.Hosting;

/// <summary>
/// Every API replica is a destination of its own at the gateway, so YARP balances and health-checks each; the
/// orchestrator's replicas would share one proxy address.
/// </summary>
public static class ReplicaDestinations
{
    /// <summary>
    /// Lists every API replica to the gateway under the one service name (<c>services__persistence-api__http__{i}</c>),
    /// the way service discovery reads several addresses of one service, and waits for all of them.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithReplicaDestinations(this IResourceBuilder<ProjectResource> gateway, IReadOnlyList<IResourceBuilder<ProjectResource>> replicas)
    {
        for (var i = 0; i < replicas.Count; i++)
        {
            gateway
                .WithEnvironment(string.Create(CultureInfo.InvariantCulture, $"services__{StackResources.Api}__http__{i}"), replicas[i].GetEndpoint("http"))
                .WaitFor(replicas[i]);
        }

        return gateway;
    }
}
