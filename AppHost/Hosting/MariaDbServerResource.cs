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

    /// <summary>The data folder; the binary log, when on, is written in it too.</summary>
    public string DataDirectory => Path.Combine(WorkingDirectory, "data");

    /// <summary>Statements the init file runs after the application user's, on every start (further accounts and their grants).</summary>
    public List<Func<CancellationToken, Task<string>>> InitStatements { get; } = [];

    public ReferenceExpression ConnectionStringExpression => Address.ConnectionString;
}
