using Aspire.Hosting.ApplicationModel;

namespace AppHost.Hosting;

/// <summary>The same <see cref="RedisDurability"/> for every shape of Redis the stack runs.</summary>
public static class RedisDurabilityExtensions
{
    /// <summary>The published Redis container with the same durability as the local process.</summary>
    public static IResourceBuilder<RedisResource> WithDurability(this IResourceBuilder<RedisResource> redis, RedisDurability durability) =>
        redis.WithArgs(context =>
        {
            // The container's entry point is `sh -c "redis-server …"`: the settings belong inside that one command.
            var command = context.Args.IndexOf("-c") + 1;
            if (command > 0 && command < context.Args.Count && context.Args[command] is string line)
            {
                context.Args[command] = line + " " + string.Join(' ', durability.ServerArguments().Select(a => a.Length == 0 ? "\"\"" : a));
            }
            else
            {
                foreach (var argument in durability.ServerArguments())
                {
                    context.Args.Add(argument);
                }
            }
        });

    /// <summary>The local <c>redis-server</c>: append-only file on, <c>noeviction</c>, at the given fsync and memory.</summary>
    public static IResourceBuilder<RedisServerResource> WithDurability(this IResourceBuilder<RedisServerResource> redis, RedisDurability durability)
    {
        redis.Resource.Durability = durability;
        return redis;
    }

    /// <summary>Every master of the cluster with the single Redis's durability (<c>maxmemory</c> is per master).</summary>
    public static IResourceBuilder<RedisClusterResource> WithDurability(this IResourceBuilder<RedisClusterResource> cluster, RedisDurability durability)
    {
        foreach (var node in cluster.Resource.Nodes)
        {
            node.Durability = durability;
        }

        return cluster;
    }
}
