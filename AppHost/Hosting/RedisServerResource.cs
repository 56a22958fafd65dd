using Aspire.Hosting.ApplicationModel;

namespace AppHost.Hosting;

/// <summary>
/// <c>redis-server</c> run as a local process (run mode has no container engine here), reached through
/// <c>ConnectionStrings__{name}</c> in StackExchange.Redis's format.
/// </summary>
public sealed class RedisServerResource(string name, string command, ParameterResource password)
    : ExecutableResource(name, command, workingDirectory: ""), IResourceWithConnectionString
{
    public const string EndpointName = "tcp";

    private EndpointReference? _endpoint;
    private string? _dataDirectory;

    public ParameterResource Password { get; } = password;

    public EndpointReference Endpoint => _endpoint ??= new(this, EndpointName);

    /// <summary>Where the server keeps its append-only file and its config file; set by <c>WithDataDirectory</c>.</summary>
    public string DataDirectory
    {
        get => _dataDirectory ?? throw new InvalidOperationException($"Redis server '{Name}' has no data folder: call WithDataDirectory.");
        internal set => _dataDirectory = value;
    }

    /// <summary>How the server keeps what it acknowledged; Redis's own defaults when not set.</summary>
    public RedisDurability? Durability { get; internal set; }

    public ReferenceExpression ConnectionStringExpression => ReferenceExpression.Create(
        $"{Endpoint.Property(EndpointProperty.Host)}:{Endpoint.Property(EndpointProperty.Port)},password={Password}");
}
