using System.Collections.Frozen;
using Gateway.RateLimits;
using Microsoft.Extensions.Options;
using Persistence.Contracts;

namespace Gateway.ApiKeys;

/// <summary>A key as checked at run time: hash and salt decoded once, scopes as a set.</summary>
public sealed record ApiKey(
    string Id, string Name, byte[] Salt, byte[] Hash, FrozenSet<string> Scopes, bool Revoked, DateTimeOffset? ExpiresAt,
    BucketLimit? Requests, BucketLimit? Records)
{
    /// <summary>The successor of a rotated key (<see cref="ApiKeyDefinition.ReplacedBy"/>).</summary>
    public string? ReplacedBy { get; init; }
}

public enum KeyCheck
{
    Valid,
    Malformed,

    /// <summary>No key with this id is listed.</summary>
    Unknown,

    /// <summary>The id is listed, the secret is not its secret.</summary>
    WrongSecret,
    Revoked,
    Expired,
}

/// <summary>
/// The accepted keys, swapped whole on every configuration reload. A reload with a broken entry keeps the rest and
/// logs the entry, so one typo does not lock every client out; at start a broken entry stops the gateway.
/// </summary>
public sealed class ApiKeyStore : IDisposable
{
    // Checked when the id is unknown, so an unknown id costs the same HMAC as a known one.
    private static readonly ApiKey Decoy = new("", "", new byte[16], new byte[32], FrozenSet<string>.Empty, true, null, null, null);

    private readonly ILogger<ApiKeyStore> _logger;
    private readonly IDisposable? _subscription;
    private volatile FrozenDictionary<string, ApiKey> _keys;

    public ApiKeyStore(IOptionsMonitor<ApiKeyOptions> options, ILogger<ApiKeyStore> logger)
    {
        _logger = logger;
        var (keys, errors) = Load(options.CurrentValue);
        if (errors.Count > 0)
        {
            throw new OptionsValidationException(ApiKeyOptions.SectionName, typeof(ApiKeyOptions), errors);
        }

        _keys = keys;
        Log.KeysLoaded(logger, keys.Count);
        _subscription = options.OnChange(Reload);
    }

    public int Count => _keys.Count;

    /// <summary>The keys in force now (as of the last reload).</summary>
    public IEnumerable<ApiKey> Keys => _keys.Values;

    public KeyCheck Check(string presented, DateTimeOffset now, out ApiKey? key)
    {
        key = null;
        if (!ApiKeySecrets.TryParse(presented, out var id, out var secret))
        {
            return KeyCheck.Malformed;
        }

        var known = _keys.TryGetValue(id, out var candidate);
        candidate ??= Decoy;
        if (!ApiKeySecrets.Matches(secret, candidate.Salt, candidate.Hash) || !known)
        {
            return known ? KeyCheck.WrongSecret : KeyCheck.Unknown;
        }

        if (candidate.Revoked)
        {
            return KeyCheck.Revoked;
        }

        if (candidate.ExpiresAt <= now)
        {
            return KeyCheck.Expired;
        }

        key = candidate;
        return KeyCheck.Valid;
    }

    public void Dispose() => _subscription?.Dispose();

    internal static (FrozenDictionary<string, ApiKey> Keys, List<string> Errors) Load(ApiKeyOptions options)
    {
        var keys = new Dictionary<string, ApiKey>(StringComparer.Ordinal);
        var errors = new List<string>();
        foreach (var (id, definition) in options.Keys)
        {
            if (Validate(id, definition) is { } error)
            {
                errors.Add($"{ApiKeyOptions.SectionName}:Keys:{id}: {error}");
                continue;
            }

            keys[id] = new ApiKey(
                id,
                definition.Name ?? id,
                Convert.FromHexString(definition.Salt!),
                Convert.FromHexString(definition.Hash!),
                definition.Scopes.ToFrozenSet(StringComparer.Ordinal),
                definition.Revoked,
                definition.ExpiresAt,
                definition.Requests,
                definition.Records)
            { ReplacedBy = definition.ReplacedBy };
        }

        return (keys.ToFrozenDictionary(StringComparer.Ordinal), errors);
    }

    private static string? Validate(string id, ApiKeyDefinition definition)
    {
        if (!ApiKeySecrets.IsValidId(id))
        {
            return "the id may use letters, digits, '-' and '_' only (at most 64).";
        }

        if (!IsHex(definition.Hash, 64))
        {
            return "Hash must be 64 hex digits (HMAC-SHA256); generate one with `dotnet run --project Gateway -- new-key`.";
        }

        if (!IsHex(definition.Salt, null))
        {
            return "Salt must be hex digits.";
        }

        if (definition.Scopes.Count == 0 || definition.Scopes.Any(scope => !Scopes.All.Contains(scope)))
        {
            return $"Scopes must list one or more of {string.Join(", ", Scopes.All)}.";
        }

        return definition.Requests?.Validate("Requests") ?? definition.Records?.Validate("Records");
    }

    private static bool IsHex(string? value, int? length) =>
        value is { Length: > 0 } && value.Length % 2 == 0 && (length is null || value.Length == length) && value.All(char.IsAsciiHexDigit);

    private void Reload(ApiKeyOptions options)
    {
        var (keys, errors) = Load(options);
        foreach (var error in errors)
        {
            Log.KeyIgnored(_logger, error);
        }

        _keys = keys;
        Log.KeysLoaded(_logger, keys.Count);
    }
}
