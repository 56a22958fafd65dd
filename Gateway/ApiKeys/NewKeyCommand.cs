using System.Text.Json;
using System.Text.Json.Nodes;
using Persistence.Contracts;

namespace Gateway.ApiKeys;

/// <summary>
/// <c>dotnet run --project Gateway -- new-key --id ID [--scopes ingest,read,admin] [--name NAME]
/// [--expires-in-days 90 | --no-expiry] [--json]</c>: makes a key, prints it once, and prints the configuration entry
/// (salt, hash and expiry only) to add to the gateway's key file. A key expires after
/// <see cref="KeyEntry.DefaultLifetimeDays"/> days unless told otherwise; <c>rotate-key</c> issues its successor. With
/// <c>--json</c> both come as one JSON object (<c>key</c>, <c>configuration</c>) for scripts and the AppHost.
/// </summary>
public static class NewKeyCommand
{
    public const string Name = "new-key";

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static int Run(IReadOnlyList<string> args, TextWriter output, TextWriter error, DateTimeOffset? now = null)
    {
        string? id = null;
        int? lifetimeDays = KeyEntry.DefaultLifetimeDays;
        string? name = null;
        var scopes = Scopes.All.ToList();
        var json = false;
        for (var i = 0; i < args.Count; i++)
        {
            var value = i + 1 < args.Count ? args[i + 1] : null;
            switch (args[i])
            {
                case "--id" when value is not null: id = value; i++; break;
                case "--name" when value is not null: name = value; i++; break;
                case "--json": json = true; break;
                case "--no-expiry": lifetimeDays = null; break;
                case "--expires-in-days" when int.TryParse(value, out var days) && days > 0: lifetimeDays = days; i++; break;
                case "--scopes" when value is not null: scopes = [.. value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)]; i++; break;
                default:
                    error.WriteLine($"Usage: {Name} --id ID [--scopes {string.Join(',', Scopes.All)}] [--name NAME] [--expires-in-days DAYS | --no-expiry] [--json]");
                    return 2;
            }
        }

        if (id is null || !ApiKeySecrets.IsValidId(id) || scopes.Count == 0 || scopes.Any(s => !Scopes.All.Contains(s)))
        {
            error.WriteLine($"Give --id (letters, digits, '-', '_') and scopes from: {string.Join(", ", Scopes.All)}.");
            return 2;
        }

        DateTimeOffset? expiresAt = lifetimeDays is { } lifetime ? (now ?? DateTimeOffset.UtcNow).AddDays(lifetime) : null;
        var (key, definition) = KeyEntry.Create(id, name ?? id, scopes, expiresAt);
        var entry = new JsonObject
        {
            [ApiKeyOptions.SectionName] = new JsonObject { ["Keys"] = new JsonObject { [id] = definition } },
        };
        if (json)
        {
            output.WriteLine(new JsonObject { ["key"] = key, ["configuration"] = entry }.ToJsonString());
            return 0;
        }

        output.WriteLine($"Key (shown once; store it in the client's secret store): {key}");
        output.WriteLine("Add this entry to the gateway's key file (it holds no secret):");
        output.WriteLine(entry.ToJsonString(Indented));
        return 0;
    }
}
