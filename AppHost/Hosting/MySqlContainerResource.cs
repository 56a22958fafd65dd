using Aspire.Hosting.ApplicationModel;

namespace AppHost.Hosting;

/// <summary>The MySQL server of a deployment (publish mode): a container with its data on a volume.</summary>
public sealed class MySqlContainerResource(string name, string user, ParameterResource password, ParameterResource rootPassword)
    : ContainerResource(name), IResourceWithConnectionString
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
