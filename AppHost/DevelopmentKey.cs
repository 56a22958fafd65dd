using System.Text.Json.Nodes;
using Persistence.Contracts;

namespace AppHost;

/// <summary>
/// The development API key (every scope, no expiry: it never leaves the local state folder), minted on the first run
/// by the gateway's own <c>new-key</c> command. Its hash goes into the gateway's key file in the state folder, where more keys can be added while the stack runs; the
/// key itself stays in <c>secrets.json</c>.
/// </summary>
public static class DevelopmentKey
{
    public const string Id = "dev";

    /// <summary>Scopes added after the first development keys were minted (new keys get every scope from new-key).</summary>
    private static readonly string[] LaterScopes = [Scopes.Review];

    public static string KeyFile(string stateDirectory) => Path.Combine(stateDirectory, "gateway", "api-keys.json");

    public static async Task<string> EnsureAsync(StateSecrets secrets, string stateDirectory)
    {
        var path = KeyFile(stateDirectory);
        var document = File.Exists(path) ? JsonNode.Parse(await File.ReadAllTextAsync(path))!.AsObject() : [];
        if (secrets.DevelopmentApiKey is { } existing && document["ApiKeys"]?["Keys"]?[Id] is { } current)
        {
            // A state folder from before a scope existed: the development key keeps having every scope.
            if (current["Scopes"] is JsonArray scopes && LaterScopes.Where(s => !scopes.Any(n => n?.GetValue<string>() == s)).ToList() is { Count: > 0 } missing)
            {
                missing.ForEach(s => scopes.Add(s));
                OwnerOnlyFile.Write(path, document.ToJsonString(new() { WriteIndented = true }));
            }

            return existing;
        }

        var minted = await MintAsync();
        var entry = minted["configuration"]!["ApiKeys"]!["Keys"]![Id]!.DeepClone();
        var keys = (document["ApiKeys"] ??= new JsonObject())["Keys"] ??= new JsonObject();
        keys[Id] = entry;

        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        OwnerOnlyFile.Write(path, document.ToJsonString(new() { WriteIndented = true }));
        secrets.DevelopmentApiKey = minted["key"]!.GetValue<string>();
        secrets.Save(stateDirectory);
        return secrets.DevelopmentApiKey;
    }

    private static async Task<JsonNode> MintAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        var (exitCode, output, error) = await ChildProcess.RunAsync(
            BuildOutput.DotnetHost,
            [BuildOutput.AssemblyPath(new Projects.Gateway().ProjectPath), "new-key", "--id", Id, "--name", "local development", "--no-expiry", "--json"],
            cancellationToken: timeout.Token);
        return exitCode == 0 && JsonNode.Parse(output) is { } minted
            ? minted
            : throw new InvalidOperationException($"The gateway's new-key command failed ({exitCode}): {error}");
    }
}
