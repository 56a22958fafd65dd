using System.Security.Cryptography;
using System.Text.Json;

namespace AppHost.Hosting;

/// <summary>Passwords generated on the first run and kept (owner-only) in the state folder so data stays usable.</summary>
public sealed class Secrets
{
    public string RedisPassword { get; set; } = Generate();

    public string MySqlPassword { get; set; } = Generate();

    public string MySqlRootPassword { get; set; } = Generate();

    public static Secrets LoadOrCreate(string stateDirectory)
    {
        Directory.CreateDirectory(stateDirectory);
        var path = Path.Combine(stateDirectory, "secrets.json");
        if (File.Exists(path))
        {
            return JsonSerializer.Deserialize<Secrets>(File.ReadAllText(path)) ?? throw new InvalidDataException($"{path} is empty.");
        }

        var secrets = new Secrets();
        File.WriteAllText(path, JsonSerializer.Serialize(secrets));
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        return secrets;
    }

    private static string Generate() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
}
