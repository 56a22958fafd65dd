using System.Security.Cryptography;
using System.Text.Json;

namespace AppHost.Hosting;

/// <summary>Passwords generated on the first run and kept (owner-only) in the state folder so data stays usable.</summary>
public sealed class Secrets
{
    public string RedisPassword { get; set; } = Generate();

    public string MySqlPassword { get; set; } = Generate();

    public string MySqlRootPassword { get; set; } = Generate();

    /// <summary>What the gateway presents to the API replicas, so nothing else can call them.</summary>
    public string InternalCredential { get; set; } = Generate();

    /// <summary>The development API key with every scope, minted by the gateway on the first run.</summary>
    public string? DevelopmentApiKey { get; set; }

    public static Secrets LoadOrCreate(string stateDirectory)
    {
        Directory.CreateDirectory(stateDirectory);
        var path = Path.Combine(stateDirectory, "secrets.json");
        var secrets = File.Exists(path)
            ? JsonSerializer.Deserialize<Secrets>(File.ReadAllText(path)) ?? throw new InvalidDataException($"{path} is empty.")
            : new Secrets();
        // Saved every time so a state folder from an older version gains the secrets added since.
        secrets.Save(stateDirectory);
        return secrets;
    }

    public void Save(string stateDirectory)
    {
        var path = Path.Combine(stateDirectory, "secrets.json");
        var temporary = path + ".tmp";
        File.WriteAllText(temporary, JsonSerializer.Serialize(this));
        File.SetUnixFileMode(temporary, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.Move(temporary, path, overwrite: true);
    }

    private static string Generate() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
}
