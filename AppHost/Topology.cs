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
        var apiKey = DevelopmentKey.Ensure(secrets, options.StateDirectory);
        KeyValuePair<string, string>[] internalCredential = [KeyValuePair.Create("InternalAuthentication__Credential", secrets.InternalCredential)];
        var context = new StackContext(options.StateDirectory, options.EchoLogs);

        var redis = new RedisResource(Redis, Ports.GetFree(), secrets.RedisPassword, options.RedisAppendFsync, options.RedisMaxMemory);
        var mysql = new MySqlResource(MySql, Database, Ports.GetFree(), "persistence", "persistence", secrets.MySqlPassword, secrets.MySqlRootPassword)
        {
            Niceness = options.FlushNiceness,
        };

        var apis = Enumerable.Range(0, options.Replicas)
            .Select(i => new ProjectResource($"{Api}-{i}", "Persistence.Api", Api, Ports.GetFree())
                .WithReference(redis)
                .WithReference(mysql)
                .WithEnvironment(internalCredential)
                .WithEnvironment(options.ApiSettings))
            .ToList();

        var workers = Enumerable.Range(0, options.Workers)
            .Select(i => new ProjectResource($"{Worker}-{i}", "Translation.Worker", Worker, Ports.GetFree()) { Niceness = options.FlushNiceness }
                .WithReference(redis)
                .WithReference(mysql)
                .WithEnvironment([KeyValuePair.Create("Flush__ConsumerName", $"{Worker}-{i}")])
                .WithEnvironment(options.WorkerSettings))
            .ToList();

        // Several gateway instances share the rate-limit buckets in Redis and the key file in the state folder.
        var gateways = Enumerable.Range(0, options.Gateways)
            .Select(i => new ProjectResource(
                    i == 0 ? Gateway : $"{Gateway}-{i}", "Gateway", Gateway, i == 0 && options.GatewayPort != 0 ? options.GatewayPort : Ports.GetFree())
                .WithReference(apis)
                .WithReference(redis)
                .WithEnvironment(internalCredential)
                .WithEnvironment([KeyValuePair.Create("ApiKeys__File", DevelopmentKey.KeyFile(options.StateDirectory))])
                .WithEnvironment(options.GatewaySettings))
            .ToList();

        List<Resource> resources = [redis, mysql, .. apis, .. workers, .. gateways];
        var connectionStrings = new Dictionary<string, string>
        {
            [redis.ConnectionName] = redis.ConnectionString,
            [mysql.ConnectionName] = mysql.ConnectionString,
        };
        var parameters = new Dictionary<string, string>
        {
            ["api-key"] = apiKey,
            ["api-key-header"] = "X-API-Key",
        };
        return new DistributedApplication(context, resources, connectionStrings, parameters);
    }
}
