using Aspire.Hosting.ApplicationModel;

namespace AppHost.Hosting;

/// <summary>
/// A Redis Cluster of local <c>redis-server</c> masters (<see cref="Nodes"/>), reached as one connection string that
/// lists every node, which StackExchange.Redis reads as a cluster: it learns the slot map from any node and sends each
/// key to the master that owns its slot. The cluster itself is no process: it is ready once it has been formed and
/// every node reports <c>cluster_state:ok</c>.
/// </summary>
public sealed class RedisClusterResource(string name, ParameterResource password) : Resource(name), IResourceWithConnectionString
{
    private readonly List<RedisServerResource> _nodes = [];

    public ParameterResource Password { get; } = password;

    public IReadOnlyList<RedisServerResource> Nodes => _nodes;

    /// <summary>
    /// <c>allowAdmin</c>: the services' Redis health check (AspNetCore.HealthChecks.Redis, through Aspire's client)
    /// asks each node for <c>CLUSTER INFO</c>, which the client refuses to send without it; on the single Redis it
    /// only PINGs. Redis itself grants the password every command either way.
    /// </summary>
    public ReferenceExpression ConnectionStringExpression
    {
        get
        {
            var expression = new ReferenceExpressionBuilder();
            foreach (var node in _nodes)
            {
                expression.Append($"{node.Endpoint.Property(EndpointProperty.Host)}:{node.Endpoint.Property(EndpointProperty.Port)},");
            }

            expression.Append($"password={Password},allowAdmin=true");
            return expression.Build();
        }
    }

    internal void Add(RedisServerResource node) => _nodes.Add(node);
}
