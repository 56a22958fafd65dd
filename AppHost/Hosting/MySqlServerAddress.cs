using Aspire.Hosting.ApplicationModel;

namespace AppHost.Hosting;

/// <summary>
/// What a MySQL server resource is reached by, the same whether it is the local MariaDB process or the published
/// container: its endpoint, the application user and that user's password. The connection string names no database;
/// <see cref="SchemaResource"/> adds one.
/// </summary>
public sealed class MySqlServerAddress(IResourceWithEndpoints server, string endpointName, string user, ParameterResource password)
{
    public EndpointReference Endpoint { get; } = new(server, endpointName);

    public string User { get; } = user;

    public ParameterResource Password { get; } = password;

    public ReferenceExpression ConnectionString => ReferenceExpression.Create(
        $"Server={Endpoint.Property(EndpointProperty.Host)};Port={Endpoint.Property(EndpointProperty.Port)};User ID={User};Password={Password}");
}
