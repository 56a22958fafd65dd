using AppHost.Hosting;

namespace AppHost;

/// <summary>
/// The topology, written once for `dotnet run --project AppHost` and for the integration tests: what runs, what each
/// process is told about the others, and what waits for what.
/// </summary>
public static class Topology
{
    public const string Redis = "redis";
    public const string MySql = "mysql";
    public const string Database = "persistencedb";
    public const string Api = "persistence-api";
    public const string Worker = "translation-worker";
    public const string Gateway = "gateway";

    public static DistributedApplication Define(StackOptions options)
    {
        var secrets = Secrets.LoadOrCreate(options.StateDirectory);
        var context = new StackContext(options.StateDirectory, options.EchoLogs);

        var redis = new RedisResource(Redis, Ports.GetFree(), secrets.RedisPassword);
        var mysql = new MySqlResource(MySql, Database, Ports.GetFree(), "persistence", "persistence", secrets.MySqlPassword, secrets.MySqlRootPassword);

        var apis = Enumerable.Range(0, options.Replicas)
            .Select(i => new ProjectResource($"{Api}-{i}", "Persistence.Api", Api, Ports.GetFree())
                .WithReference(redis)
                .WithReference(mysql)
                .WithEnvironment(options.ApiSettings))
            .ToList();

        var workers = Enumerable.Range(0, options.Workers)
            .Select(i => new ProjectResource($"{Worker}-{i}", "Translation.Worker", Worker, Ports.GetFree())
                .WithReference(redis)
                .WithReference(mysql)
                .WithEnvironment([KeyValuePair.Create("Flush__ConsumerName", $"{Worker}-{i}")])
                .WithEnvironment(options.WorkerSettings))
            .ToList();

        var gateway = new ProjectResource(Gateway, "Gateway", Gateway, options.GatewayPort == 0 ? Ports.GetFree() : options.GatewayPort)
            .WithReference(apis)
            .WithEnvironment(options.GatewaySettings);

        List<Resource> resources = [redis, mysql, .. apis, .. workers, gateway];
        var connectionStrings = new Dictionary<string, string>
        {
            [redis.ConnectionName] = redis.ConnectionString,
            [mysql.ConnectionName] = mysql.ConnectionString,
        };
        return new DistributedApplication(context, resources, connectionStrings);
    }
}
