using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace AppHost.Hosting;

/// <summary>
/// The client and cluster-bus ports of each node, chosen free on the first start and kept in the cluster's folder:
/// every node records its peers' addresses in its <c>nodes.conf</c>, so a node that came back on another port would
/// no longer be found, and a restarted stack could not reuse its cluster.
/// </summary>
public static class RedisClusterPorts
{
    public const string FileName = "ports";

    private const int LowestPort = 20_000;
    private const int EphemeralPorts = 32_768;

    public static IReadOnlyList<(int Port, int BusPort)> LoadOrAllocate(string directory, int nodes)
    {
        var file = Path.Combine(directory, FileName);
        var known = File.Exists(file)
            ? File.ReadAllLines(file).Where(l => l.Length > 0).Select(Parse).ToList()
            : [];
        if (known.Count < nodes)
        {
            var taken = known.SelectMany(p => new[] { p.Port, p.BusPort }).ToHashSet();
            var listeners = new List<TcpListener>();
            try
            {
                // Held open until all are chosen, so no two nodes (nor a node and its bus) get the same port.
                while (known.Count < nodes)
                {
                    var port = Listen(listeners, taken);
                    known.Add((port, Listen(listeners, taken)));
                }
            }
            finally
            {
                listeners.ForEach(l => l.Stop());
            }

            File.WriteAllLines(file, known.Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Port} {p.BusPort}")));
        }

        return known.Take(nodes).ToList();
    }

    /// <summary>
    /// A free port below Linux's ephemeral range (32768 and up), where the kernel picks the local ports of outgoing
    /// connections: one of those taking a chosen port before its node binds it would keep that node from starting.
    /// </summary>
    private static int Listen(List<TcpListener> listeners, HashSet<int> taken)
    {
        while (true)
        {
            var port = Random.Shared.Next(LowestPort, EphemeralPorts);
            if (!taken.Add(port))
            {
                continue;
            }

            var listener = new TcpListener(IPAddress.Loopback, port);
            try
            {
                listener.Start();
                listeners.Add(listener);
                return port;
            }
            catch (SocketException)
            {
                listener.Dispose();
            }
        }
    }

    private static (int Port, int BusPort) Parse(string line)
    {
        var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return parts.Length == 2
            && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var port)
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var bus)
            ? (port, bus)
            : throw new InvalidOperationException($"The cluster's {FileName} file has a line that is not two ports: '{line}'.");
    }
}
