using Aspire.Hosting.ApplicationModel;

namespace AppHost.Hosting;

/// <summary>What the local MariaDB and the published MySQL share: their databases and their settings (the local PostgreSQL's databases too).</summary>
public static class DatabaseServerBuilderExtensions
{
    /// <summary>A database on the server, reached as <c>ConnectionStrings__{name}</c>.</summary>
    public static IResourceBuilder<SchemaResource> AddSchema<TServer>(this IResourceBuilder<TServer> server, string name, string databaseName)
        where TServer : IResourceWithConnectionString
    {
        if (server is IResourceBuilder<MySqlContainerResource> container)
        {
            // The official image creates one database, and grants it to MYSQL_USER, on the volume's first start.
            container.WithEnvironment("MYSQL_DATABASE", databaseName);
        }

        return server.ApplicationBuilder.AddResource(new SchemaResource(name, databaseName, server.Resource));
    }

    /// <summary>InnoDB's settings for the local server (<see cref="DatabaseTuning.Default"/> unless set).</summary>
    public static IResourceBuilder<MariaDbServerResource> WithTuning(this IResourceBuilder<MariaDbServerResource> server, DatabaseTuning tuning)
    {
        server.Resource.Tuning = tuning;
        return server;
    }

    /// <summary>InnoDB's settings for the published server (<see cref="DatabaseTuning.Default"/> unless set).</summary>
    public static IResourceBuilder<MySqlContainerResource> WithTuning(this IResourceBuilder<MySqlContainerResource> server, DatabaseTuning tuning)
    {
        server.Resource.Tuning = tuning;
        return server;
    }

    /// <summary>The server settings beside InnoDB's (<see cref="DatabaseTuning"/>), the same for the local process and the container.</summary>
    internal static IEnumerable<string> ServerSettings =>
    [
        "--character-set-server=utf8mb4",
        "--collation-server=utf8mb4_bin",
        "--max-connections=500",
        "--max-allowed-packet=64M",
    ];
}
