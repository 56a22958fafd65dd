using Aspire.Hosting.ApplicationModel;

namespace AppHost.Hosting;

/// <summary>
/// MariaDB (<c>mariadbd</c>) run as a local process in its own data folder, on loopback only. Its connection string
/// names no database; <see cref="SchemaResource"/> adds one.
/// </summary>
public sealed class MariaDbServerResource(string name, string command, string workingDirectory, string user, ParameterResource password, ParameterResource rootPassword)
    : ExecutableResource(name, command, workingDirectory), IResourceWithConnectionString
{
    public const string EndpointName = "tcp";

    private EndpointReference? _endpoint;

    public string User { get; } = user;

    public ParameterResource Password { get; } = password;

    public ParameterResource RootPassword { get; } = rootPassword;

    public EndpointReference Endpoint => _endpoint ??= new(this, EndpointName);

    public ReferenceExpression ConnectionStringExpression => ReferenceExpression.Create(
        $"Server={Endpoint.Property(EndpointProperty.Host)};Port={Endpoint.Property(EndpointProperty.Port)};User ID={User};Password={Password}");
}
