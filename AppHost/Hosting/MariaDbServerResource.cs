using Aspire.Hosting.ApplicationModel;

namespace AppHost.Hosting;

/// <summary>MariaDB (<c>mariadbd</c>) run as a local process in its own data folder, on loopback only.</summary>
public sealed class MariaDbServerResource : ExecutableResource, IResourceWithConnectionString
{
    public const string EndpointName = "tcp";

    private string? _dataDirectory;

    public MariaDbServerResource(string name, string server, string user, ParameterResource password, ParameterResource rootPassword)
        : base(name, server, workingDirectory: "")
    {
        Server = server;
        Address = new MySqlServerAddress(this, EndpointName, user, password);
        RootPassword = rootPassword;
    }

    /// <summary>The <c>mariadbd</c> binary, which the command starts directly or through <c>nice</c>.</summary>
    public string Server { get; }

    public MySqlServerAddress Address { get; }

    public ParameterResource RootPassword { get; }

    /// <summary>
    /// The server's folder, set by <c>WithDataDirectory</c>: the database files (and the binary log, when on) in
    /// <see cref="DatabaseFiles"/>, the init and pid files beside them.
    /// </summary>
    public string DataDirectory
    {
        get => _dataDirectory ?? throw new InvalidOperationException($"MariaDB server '{Name}' has no data folder: call WithDataDirectory.");
        internal set => _dataDirectory = value;
    }

    /// <summary>What <c>mariadbd</c> takes as <c>--datadir</c>.</summary>
    public string DatabaseFiles => Path.Combine(DataDirectory, "data");

    /// <summary>The CPU niceness the server runs at, through <c>nice</c> when above 0.</summary>
    public int Niceness { get; internal set; }

    public DatabaseTuning Tuning { get; internal set; } = DatabaseTuning.Default;

    /// <summary>Whether the server writes its binary log (<see cref="BinaryLog"/>).</summary>
    public bool WritesBinaryLog { get; internal set; }

    /// <summary>Statements the init file runs after the application user's, on every start (further accounts and their grants).</summary>
    public List<Func<CancellationToken, Task<string>>> InitStatements { get; } = [];

    public ReferenceExpression ConnectionStringExpression => Address.ConnectionString;
}
