using System.Security.Cryptography;
using System.Text;
using Aspire.Hosting.ApplicationModel;

namespace AppHost.Hosting;

/// <summary>
/// PostgreSQL (<c>postgres</c>) run as a local process in its own data folder, on loopback only; as the
/// <c>postgres</c> account when AppHost runs as root (<see cref="PostgresAccount"/>). Aspire's own PostgreSQL resource
/// is a container, which this machine cannot run.
/// </summary>
public sealed class PostgreSqlProcessResource : ExecutableResource, IResourceWithConnectionString
{
    public const string EndpointName = "tcp";

    /// <summary>The superuser initdb creates.</summary>
    public const string Superuser = "postgres";

    private string? _dataDirectory;

    public PostgreSqlProcessResource(string name, string server, string user, ParameterResource password, ParameterResource superuserPassword)
        : base(name, PostgresAccount.Launcher(server)[0], workingDirectory: "")
    {
        Server = server;
        Endpoint = new EndpointReference(this, EndpointName);
        User = user;
        Password = password;
        SuperuserPassword = superuserPassword;
    }

    /// <summary>The <c>postgres</c> binary; <c>initdb</c> is taken from the same folder, so the two always match.</summary>
    public string Server { get; }

    public EndpointReference Endpoint { get; }

    /// <summary>The application role, owner of every database added with <c>AddSchema</c>.</summary>
    public string User { get; }

    public ParameterResource Password { get; }

    public ParameterResource SuperuserPassword { get; }

    /// <summary>The server's folder, set by <c>WithDataDirectory</c>: the cluster in <see cref="DatabaseFiles"/>.</summary>
    public string DataDirectory
    {
        get => _dataDirectory ?? throw new InvalidOperationException($"PostgreSQL server '{Name}' has no data folder: call WithDataDirectory.");
        internal set => _dataDirectory = value;
    }

    /// <summary>What <c>postgres -D</c> and <c>initdb -D</c> take.</summary>
    public string DatabaseFiles => Path.Combine(DataDirectory, "data");

    /// <summary>
    /// The unix socket (and its lock file) in a folder of its own: socket paths are limited to 108 bytes, so a short
    /// one in the temporary folder, unique per data folder, rather than one under a state folder of any depth.
    /// </summary>
    public string SocketDirectory =>
        Path.Combine(Path.GetTempPath(), $"ph-pg-{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(DataDirectory)))[..12]}");

    /// <summary>The CPU niceness the server runs at, through <c>nice</c> when above 0.</summary>
    public int Niceness { get; internal set; }

    /// <summary>The application role's address; <see cref="SchemaResource"/> names the database.</summary>
    public ReferenceExpression ConnectionStringExpression => ReferenceExpression.Create(
        $"Host={Endpoint.Property(EndpointProperty.Host)};Port={Endpoint.Property(EndpointProperty.Port)};Username={User};Password={Password}");
}
