using System.Globalization;
using System.Text.Json.Nodes;

namespace Gateway.ApiKeys;

/// <summary>One entry of the key file as the key commands write it: the salt and hash of a new key, never the key.</summary>
public static class KeyEntry
{
    /// <summary>How long a key from <c>new-key</c> or <c>rotate-key</c> lives unless told otherwise.</summary>
    public const int DefaultLifetimeDays = 90;

    public static (string Key, JsonObject Entry) Create(string id, string name, IEnumerable<string> scopes, DateTimeOffset? expiresAt)
    {
        var (key, salt, hash) = ApiKeySecrets.Create(id);
        var entry = new JsonObject
        {
            [nameof(ApiKeyDefinition.Name)] = name,
            [nameof(ApiKeyDefinition.Salt)] = salt,
            [nameof(ApiKeyDefinition.Hash)] = hash,
            [nameof(ApiKeyDefinition.Scopes)] = new JsonArray([.. scopes.Select(s => (JsonNode)s)]),
        };
        if (expiresAt is { } expires)
        {
            entry[nameof(ApiKeyDefinition.ExpiresAt)] = Format(expires);
        }

        return (key, entry);
    }

    /// <summary>Round-trip UTC, to the second: what configuration binding reads back as the same instant.</summary>
    public static string Format(DateTimeOffset instant) =>
        instant.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
}
