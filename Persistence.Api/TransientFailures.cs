using System.Data.Common;
using Persistence.Storage;
using StackExchange.Redis;

namespace Persistence.Api;

/// <summary>
/// Failures of a dependency that pass by themselves (unreachable, loading, out of memory, a schema not yet migrated),
/// as opposed to bugs: the first are a 503 the client may retry, the second stay a 500.
/// </summary>
public static class TransientFailures
{
    private static readonly string[] RedisPrefixes = ["LOADING", "OOM", "BUSY", "MASTERDOWN", "TRYAGAIN", "CLUSTERDOWN", "NOREPLICAS"];

    public static bool IsRedis(Exception exception) => exception switch
    {
        RedisConnectionException or RedisTimeoutException or TimeoutException => true,
        RedisServerException server => server.Kind is RedisErrorKind.Loading or RedisErrorKind.OutOfMemory or RedisErrorKind.Busy
            or RedisErrorKind.MasterDown or RedisErrorKind.TryAgain or RedisErrorKind.ClusterDown or RedisErrorKind.NoReplicas
            or RedisErrorKind.MaxClients
            || RedisPrefixes.Any(p => server.Message.StartsWith(p + " ", StringComparison.Ordinal))
            // A script's error carries the command's own error after the script's name.
            || server.Message.Contains("OOM command not allowed", StringComparison.Ordinal),
        _ => false,
    };

    /// <summary>
    /// The database unreachable or timing out, or a table missing: the API started before the workers' first
    /// migration, which they run at start, so the read will work shortly. Each backend's driver says so its own way,
    /// which <paramref name="dialect"/> reads.
    /// </summary>
    public static bool IsDatabase(Exception exception, StorageDialect dialect) =>
        exception is DbException && dialect.IsUnavailable(exception);
}
