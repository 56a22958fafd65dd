using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Gateway.ApiKeys;

/// <summary>
/// <c>dotnet run --project Gateway -- rotate-key ID --file KEYFILE [--grace-days 7] [--expires-in-days 90]
/// [--new-id ID] [--json]</c>: adds a successor to the key file (same name, scopes and limits, a new secret, a new id),
/// and ends the old key after the grace period, marking it <c>ReplacedBy</c> the successor. Prints the new key once.
/// The file is replaced whole, so every gateway watching it reloads a complete file.
/// </summary>
public static partial class RotateKeyCommand
{
    public const string Name = "rotate-key";

    /// <summary>How long the old key keeps working after a rotation unless told otherwise: time to roll the clients over.</summary>
    public const double DefaultGraceDays = 7;

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static int Run(IReadOnlyList<string> args, TextWriter output, TextWriter error, DateTimeOffset? now = null)
    {
        string? id = args.Count > 0 && !args[0].StartsWith("--", StringComparison.Ordinal) ? args[0] : null;
        string? file = null;
        string? newId = null;
        var graceDays = DefaultGraceDays;
        var lifetimeDays = KeyEntry.DefaultLifetimeDays;
        var json = false;
        for (var i = id is null ? 0 : 1; i < args.Count; i++)
        {
            var value = i + 1 < args.Count ? args[i + 1] : null;
            switch (args[i])
            {
                case "--file" when value is not null: file = value; i++; break;
                case "--new-id" when value is not null: newId = value; i++; break;
                case "--json": json = true; break;
                case "--grace-days" when double.TryParse(value, CultureInfo.InvariantCulture, out var days) && days >= 0: graceDays = days; i++; break;
                case "--expires-in-days" when int.TryParse(value, out var days) && days > 0: lifetimeDays = days; i++; break;
                default:
                    return Usage(error);
            }
        }

        if (id is null || file is null)
        {
            return Usage(error);
        }

        var at = now ?? DateTimeOffset.UtcNow;
        JsonObject document;
        try
        {
            document = JsonNode.Parse(File.ReadAllText(file))?.AsObject() ?? throw new JsonException("empty");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or JsonException or InvalidOperationException)
        {
            error.WriteLine($"Cannot read the key file '{file}': {ex.Message}");
            return 1;
        }

        if (document[ApiKeyOptions.SectionName]?["Keys"] is not JsonObject keys || keys[id] is not JsonObject old)
        {
            error.WriteLine($"The key file lists no key '{id}'.");
            return 1;
        }

        if (old[nameof(ApiKeyDefinition.Revoked)]?.GetValue<bool>() == true || old[nameof(ApiKeyDefinition.ReplacedBy)] is not null)
        {
            error.WriteLine($"Key '{id}' is revoked or already replaced (by '{old[nameof(ApiKeyDefinition.ReplacedBy)]}'); rotate its successor instead.");
            return 1;
        }

        newId ??= NextId(id, keys);
        if (!ApiKeySecrets.IsValidId(newId) || keys.ContainsKey(newId))
        {
            error.WriteLine($"'{newId}' cannot be the successor's id: it is taken or not a valid key id.");
            return 1;
        }

        var scopes = old[nameof(ApiKeyDefinition.Scopes)]?.AsArray().Select(s => s!.GetValue<string>()).ToList() ?? [];
        var (key, successor) = KeyEntry.Create(newId, old[nameof(ApiKeyDefinition.Name)]?.GetValue<string>() ?? id, scopes, at.AddDays(lifetimeDays));
        foreach (var limit in new[] { nameof(ApiKeyDefinition.Requests), nameof(ApiKeyDefinition.Records) })
        {
            if (old[limit] is { } node)
            {
                successor[limit] = node.DeepClone();
            }
        }

        keys[newId] = successor;
        var graceEnd = at.AddDays(graceDays);
        var oldExpiry = old[nameof(ApiKeyDefinition.ExpiresAt)] is { } e
            ? DateTimeOffset.Parse(e.GetValue<string>(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal)
            : (DateTimeOffset?)null;
        // Never extends an old key's life: one already closer to its end keeps that end.
        old[nameof(ApiKeyDefinition.ExpiresAt)] = KeyEntry.Format(oldExpiry < graceEnd ? oldExpiry.Value : graceEnd);
        old[nameof(ApiKeyDefinition.ReplacedBy)] = newId;

        ReplaceWhole(file, document.ToJsonString(Indented));
        if (json)
        {
            output.WriteLine(new JsonObject { ["key"] = key, ["id"] = newId, ["oldKeyExpiresAt"] = old[nameof(ApiKeyDefinition.ExpiresAt)]!.DeepClone() }.ToJsonString());
            return 0;
        }

        output.WriteLine($"New key '{newId}' (shown once; store it in the client's secret store): {key}");
        output.WriteLine($"Key '{id}' keeps working until {old[nameof(ApiKeyDefinition.ExpiresAt)]}; move the client to the new key before then.");
        return 0;
    }

    /// <summary><c>loader</c> becomes <c>loader-r2</c>, <c>loader-r2</c> becomes <c>loader-r3</c>, skipping ids in use.</summary>
    public static string NextId(string id, JsonObject keys)
    {
        var match = Generation().Match(id);
        var stem = match.Success ? match.Groups["stem"].Value : id;
        var generation = match.Success ? int.Parse(match.Groups["n"].Value, CultureInfo.InvariantCulture) + 1 : 2;
        while (keys.ContainsKey($"{stem}-r{generation.ToString(CultureInfo.InvariantCulture)}"))
        {
            generation++;
        }

        return $"{stem}-r{generation.ToString(CultureInfo.InvariantCulture)}";
    }

    private static void ReplaceWhole(string path, string contents)
    {
        var temporary = path + ".rotating";
        File.WriteAllText(temporary, contents);
        if (!OperatingSystem.IsWindows())
        {
            // The key file is owner-only; the copy that replaces it must be too.
            File.SetUnixFileMode(temporary, File.GetUnixFileMode(path));
        }

        File.Move(temporary, path, overwrite: true);
    }

    private static int Usage(TextWriter error)
    {
        error.WriteLine($"Usage: {Name} ID --file KEYFILE [--grace-days {DefaultGraceDays}] [--expires-in-days {KeyEntry.DefaultLifetimeDays}] [--new-id ID] [--json]");
        return 2;
    }

    [GeneratedRegex("^(?<stem>.+)-r(?<n>[0-9]{1,6})$")]
    private static partial Regex Generation();
}
