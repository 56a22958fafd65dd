using StackExchange.Redis;

namespace Persistence.Contracts;

public static class RedisTopology
{
    /// <summary>
    /// Whether the connection is to a Redis Cluster, where one script call or transaction may touch only keys of one
    /// hash slot. A single Redis takes keys of every hash tag in one call.
    /// </summary>
    public static bool IsCluster(this IConnectionMultiplexer redis) => redis.GetServers().Any(s => s.ServerType == ServerType.Cluster);
}
