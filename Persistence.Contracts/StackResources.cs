namespace Persistence.Contracts;

/// <summary>
/// The resource names the AppHost gives the parts of the stack. They are a contract: services read their connection
/// strings as <c>ConnectionStrings__{name}</c>, the gateway discovers replicas as <c>services__{Api}__http__{i}</c>,
/// and scripts, dashboards and tests find resources by them.
/// </summary>
public static class StackResources
{
    /// <summary>The Redis the services connect to: the single server, or with <c>--redis-cluster N</c> the cluster, whose nodes are <see cref="RedisNode"/>.</summary>
    public const string Redis = "redis";

    /// <summary>The MySQL (MariaDB locally) server.</summary>
    public const string MySql = "mysql";

    /// <summary>The PostgreSQL server, in place of <see cref="MySql"/> when the stack runs on PostgreSQL.</summary>
    public const string Postgres = "postgres";

    /// <summary>The process that copies MySQL's binary log into the archive folder of the same name in the state folder.</summary>
    public const string BinlogArchiver = "binlog-archiver";

    /// <summary>The application's database on <see cref="MySql"/> or <see cref="Postgres"/>: the connection name the services use.</summary>
    public const string Database = "persistencedb";

    /// <summary>The service name of the API replicas; replica <c>i</c> is the resource <c>persistence-api-{i}</c>.</summary>
    public const string Api = "persistence-api";

    /// <summary>The workers' prefix; worker <c>i</c> is <c>translation-worker-{i}</c>, which is also its consumer name.</summary>
    public const string Worker = "translation-worker";

    /// <summary>The first gateway; further instances are <c>gateway-{i}</c>.</summary>
    public const string Gateway = "gateway";

    /// <summary>Master <c>i</c> of the Redis Cluster: <c>redis-{i}</c>.</summary>
    public static string RedisNode(int index) => $"{Redis}-{index}";

    public static string ApiReplica(int index) => $"{Api}-{index}";

    public static string WorkerInstance(int index) => $"{Worker}-{index}";

    public static string GatewayInstance(int index) => index == 0 ? Gateway : $"{Gateway}-{index}";

    /// <summary>Whether <paramref name="resource"/> is one of the instances of <paramref name="role"/> (<see cref="Api"/>, <see cref="Worker"/>, <see cref="Gateway"/>).</summary>
    public static bool IsOf(string role, string resource) =>
        resource == role || (resource.StartsWith(role, StringComparison.Ordinal) && resource.Length > role.Length + 1 && resource[role.Length] == '-' && char.IsAsciiDigit(resource[role.Length + 1]));
}
