namespace AppHost.Hosting;

/// <summary>
/// How Redis keeps what it acknowledged: the same settings for the local process and for the published container, so
/// a deployment is as durable as the stack the tests ran.
/// </summary>
public sealed record RedisDurability(string AppendFsync, string MaxMemory)
{
    /// <summary>The server's arguments, the same wherever it runs.</summary>
    public IEnumerable<string> ServerArguments() =>
    [
        "--appendonly", "yes",
        "--appendfsync", AppendFsync,
        "--save", "",
        // Each append-only-file rewrite forks Redis, which stalls every client for the fork (15 ms measured with
        // 700 MB resident on this machine) and gives the child a share of the CPU. With the default 64 MB threshold,
        // full ingest load (about 20 MB of AOF a second) rewrote every few seconds; at 512 MB it is about twice a
        // minute, and a restart replays at most that much.
        "--auto-aof-rewrite-min-size", "512mb",
        // With noeviction, reaching maxmemory makes writes fail (the API answers 503) instead of dropping data.
        "--maxmemory", MaxMemory,
        "--maxmemory-policy", "noeviction",
    ];
}
