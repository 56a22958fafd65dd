using Aspire.Hosting.ApplicationModel;

namespace AppHost.Hosting;

/// <summary>MariaDB (<c>mariadbd</c>) run as a local process in its own data folder, on loopback only.</summary>
public sealed class MariaDbServerResource : ExecutableResource, IResourceWithConnectionString
{
    public const string EndpointName = "tcp";

    public MariaDbServerResource(string name, string command, string workingDirectory, string user, ParameterResource password, ParameterResource rootPassword)
        : base(name, command, workingDirectory)
    {
        Address = new MySqlServerAddress(this, EndpointName, user, password);
        RootPassword = rootPassword;
    }

    public MySqlServerAddress Address { get; }

    public ParameterResource RootPassword { get; }

    public ReferenceExpression ConnectionStringExpression => Address.ConnectionString;
}
