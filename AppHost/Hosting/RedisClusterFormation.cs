using System.Globalization;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.Logging;

namespace AppHost.Hosting;

/// <summary>
/// Makes the started nodes one cluster: with <c>redis-cli --cluster create</c> when none of them belongs to one yet
/// (the first start on a state folder), or not at all when they already form it (their <c>nodes.conf</c> survived
/// a restart of the stack). Anything in between, such as a folder made for another number of nodes, is refused rather
/// than repaired: resharding moves data, which is an operator's decision.
/// </summary>
public static partial class RedisClusterFormation
{
    public const int Slots = 16384;

    private static readonly TimeSpan ConvergenceTimeout = TimeSpan.FromSeconds(60);

    /// <summary>Waits for every node, forms the cluster if needed, and waits until each node reports it healthy.</summary>
    public static async Task FormAsync(RedisClusterResource cluster, ResourceNotificationService notifications, ILogger log, CancellationToken cancellationToken)
    {
        foreach (var node in cluster.Nodes)
        {
            await notifications.WaitForResourceHealthyAsync(node.Name, cancellationToken);
        }

        await notifications.PublishUpdateAsync(cluster, state => state with { State = KnownResourceStates.Starting });
        var password = await cluster.Password.GetValueAsync(cancellationToken) ?? "";
        var addresses = cluster.Nodes.Select(n => string.Create(CultureInfo.InvariantCulture, $"127.0.0.1:{n.Endpoint.Port}")).ToList();
        var infos = new List<IReadOnlyDictionary<string, string>>();
        foreach (var node in cluster.Nodes)
        {
            infos.Add(await ClusterInfoAsync(node, password, cancellationToken));
        }

        if (infos.All(i => Number(i, "cluster_known_nodes") == 1 && Number(i, "cluster_slots_assigned") == 0))
        {
            Log.Creating(log, string.Join(' ', addresses));
            // The password reaches redis-cli through its environment, not its command line, which any local user can read.
            var (exitCode, output, error) = await ChildProcess.RunAsync(
                Prerequisites.Find("redis-cli"),
                ["--cluster", "create", .. addresses, "--cluster-replicas", "0", "--cluster-yes"],
                new Dictionary<string, string> { ["REDISCLI_AUTH"] = password },
                cancellationToken: cancellationToken);
            if (exitCode != 0 || !output.Contains($"All {Slots} slots covered", StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"redis-cli --cluster create failed with code {exitCode}: {error}{output}");
            }
        }
        else if (infos.All(i => Number(i, "cluster_known_nodes") == cluster.Nodes.Count && Number(i, "cluster_slots_assigned") == Slots))
        {
            Log.Reusing(log, cluster.Nodes.Count);
        }
        else
        {
            var found = string.Join("; ", cluster.Nodes.Zip(infos, (node, info) =>
                $"{node.Name} knows {Number(info, "cluster_known_nodes")} nodes and {Number(info, "cluster_slots_assigned")} slots"));
            throw new InvalidOperationException(
                $"The nodes neither form a cluster of {cluster.Nodes.Count} nor are new ({found}). The state folder was made for another "
                + "number of nodes, or a node lost its data: start with the --redis-cluster N it was made with, or a new --state-dir.");
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ConvergenceTimeout);
        foreach (var node in cluster.Nodes)
        {
            while (!(await ClusterInfoAsync(node, password, timeout.Token)).TryGetValue("cluster_state", out var state) || state != "ok")
            {
                await Task.Delay(200, timeout.Token);
            }
        }

        Log.Ready(log, cluster.Nodes.Count, Slots);
    }

    private static async Task<IReadOnlyDictionary<string, string>> ClusterInfoAsync(RedisServerResource node, string password, CancellationToken cancellationToken)
    {
        var (exitCode, output, error) = await ChildProcess.RunAsync(
            Prerequisites.Find("redis-cli"),
            ["-h", "127.0.0.1", "-p", node.Endpoint.Port.ToString(CultureInfo.InvariantCulture), "cluster", "info"],
            new Dictionary<string, string> { ["REDISCLI_AUTH"] = password },
            cancellationToken: cancellationToken);
        return exitCode != 0
            ? throw new InvalidOperationException($"CLUSTER INFO on {node.Name} failed with code {exitCode}: {error}{output}")
            : output.Split('\n', StringSplitOptions.TrimEntries)
                .Select(line => line.Split(':', 2))
                .Where(pair => pair.Length == 2)
                .ToDictionary(pair => pair[0], pair => pair[1]);
    }

    private static long Number(IReadOnlyDictionary<string, string> info, string field) =>
        info.TryGetValue(field, out var value) && long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var number) ? number : -1;

    internal static partial class Log
    {
        [LoggerMessage(4, LogLevel.Error, "The Redis Cluster could not be formed: {Message}")]
        public static partial void Failed(ILogger logger, string message, Exception exception);

        [LoggerMessage(1, LogLevel.Information, "Creating the cluster of {Addresses} with redis-cli --cluster create")]
        public static partial void Creating(ILogger logger, string addresses);

        [LoggerMessage(2, LogLevel.Information, "The {Nodes} nodes already form the cluster (their nodes.conf kept it); reusing it")]
        public static partial void Reusing(ILogger logger, int nodes);

        [LoggerMessage(3, LogLevel.Information, "Cluster ready: {Nodes} masters, {Slots} slots, cluster_state:ok on every node")]
        public static partial void Ready(ILogger logger, int nodes, int slots);
    }
}
