using System.Security.Cryptography;
using System.Text.Json;

namespace AppHost;

/// <summary>
/// The values of the stack's secret parameters, generated on the first run and kept owner-only in the state folder,
/// so a data folder stays usable with the passwords it was made with. Each becomes the run-mode value of an Aspire
/// parameter whose published form is <c>generate</c>d by the deployment instead.
/// </summary>
public sealed class StateSecrets
{
    public const string FileName = "secrets.json";

    public string RedisPassword { get; set; } = Generate();

    public string MySqlPassword { get; set; } = Generate();

    public string MySqlRootPassword { get; set; } = Generate();

    /// <summary>The binary-log archiver's MariaDB account (REPLICATION SLAVE, BINLOG MONITOR: it reads the log, nothing else).</summary>
    public string MySqlArchiverPassword { get; set; } = Generate();

    /// <summary>The account a point-in-time restore replays the archived log with (BINLOG REPLAY and the application's database).</summary>
    public string MySqlReplayPassword { get; set; } = Generate();

    /// <summary>PostgreSQL's application role (<c>--database postgres</c>), which owns the application's database.</summary>
    public string PostgresPassword { get; set; } = Generate();

    /// <summary>PostgreSQL's superuser <c>postgres</c>, for an operator's maintenance; no service uses it.</summary>
    public string PostgresSuperuserPassword { get; set; } = Generate();

    /// <summary>What the gateway presents to the API replicas, so nothing else can call them.</summary>
    public string InternalCredential { get; set; } = Generate();

    /// <summary>What the dashboard's login page asks for (the printed login link carries it).</summary>
    public string DashboardBrowserToken { get; set; } = Generate();

    /// <summary>What the dashboard's telemetry API asks for in <c>x-api-key</c>.</summary>
    public string DashboardApiKey { get; set; } = Generate();

    /// <summary>The development API key with every scope, minted by the gateway on the first run.</summary>
    public string? DevelopmentApiKey { get; set; }

    public static StateSecrets LoadOrCreate(string stateDirectory)
    {
        // The folder holds the data and these secrets: one the stack creates is made so nobody else may list or enter
        // it. One given that exists already is the operator's (it may be a home or a shared folder) and keeps its
        // mode; the secrets file in it is owner-only either way.
        const UnixFileMode ownerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
        if (!Directory.Exists(stateDirectory))
        {
            Directory.CreateDirectory(stateDirectory, ownerOnly);
        }

        var path = Path.Combine(stateDirectory, FileName);
        var secrets = File.Exists(path)
            ? JsonSerializer.Deserialize<StateSecrets>(File.ReadAllText(path)) ?? throw new InvalidDataException($"{path} is empty.")
            : new StateSecrets();
        // Saved every time so a state folder from an older version gains the secrets added since.
        secrets.Save(stateDirectory);
        return secrets;
    }

    public void Save(string stateDirectory) =>
        OwnerOnlyFile.Write(Path.Combine(stateDirectory, FileName), JsonSerializer.Serialize(this));

    private static string Generate() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
}
