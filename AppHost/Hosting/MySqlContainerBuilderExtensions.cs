using Aspire.Hosting.ApplicationModel;

namespace AppHost.Hosting;

public static class MySqlContainerBuilderExtensions
{
    /// <summary>MySQL 8.4 as a container: the server of a deployment, whose application user is <paramref name="user"/>.</summary>
    public static IResourceBuilder<MySqlContainerResource> AddMySqlContainer(
        this IDistributedApplicationBuilder builder,
        string name,
        string user,
        IResourceBuilder<ParameterResource> password,
        IResourceBuilder<ParameterResource> rootPassword)
    {
        var resource = new MySqlContainerResource(name, user, password.Resource);
        return builder.AddResource(resource)
            .WithImage("mysql", "8.4")
            .WithImageRegistry("docker.io")
            .WithEndpoint(name: MySqlContainerResource.EndpointName, targetPort: 3306, scheme: "tcp")
            .WithEnvironment("MYSQL_ROOT_PASSWORD", rootPassword)
            .WithEnvironment("MYSQL_USER", user)
            .WithEnvironment("MYSQL_PASSWORD", password)
            .WithArgs(context =>
            {
                foreach (var argument in (string[])[.. DatabaseServerBuilderExtensions.ServerSettings, .. resource.Tuning.Arguments(mariaDb: false)])
                {
                    context.Args.Add(argument);
                }
            });
    }

    /// <summary>The server's data on a named volume (<c>{name}-data</c> unless named), which outlives the container.</summary>
    public static IResourceBuilder<MySqlContainerResource> WithDataVolume(this IResourceBuilder<MySqlContainerResource> server, string? name = null) =>
        server.WithVolume(name ?? $"{server.Resource.Name}-data", "/var/lib/mysql");
}
