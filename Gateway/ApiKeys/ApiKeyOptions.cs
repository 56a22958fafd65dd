using Gateway.RateLimits;

namespace Gateway.ApiKeys;

/// <summary>
/// The keys the gateway accepts, by key id. Only a salted hash of each key is configured, never the key itself.
/// The section is re-read when its source changes, so adding or revoking a key needs no restart.
/// </summary>
public sealed class ApiKeyOptions
{
    public const string SectionName = "ApiKeys";

    /// <summary>
    /// A JSON file with more of this section (typically a mounted secret), watched for changes. Its keys are added to
    /// those from other configuration sources.
    /// </summary>
    public string? File { get; set; }

    public Dictionary<string, ApiKeyDefinition> Keys { get; } = new(StringComparer.Ordinal);
}

public sealed class ApiKeyDefinition
{
    /// <summary>Who holds the key, for logs and people.</summary>
    public string? Name { get; set; }

    /// <summary>Hex HMAC-SHA256 of the key's secret part, keyed with <see cref="Salt"/>.</summary>
    public string? Hash { get; set; }

    /// <summary>Hex random bytes, different for every key, so equal secrets never give equal hashes.</summary>
    public string? Salt { get; set; }

    public List<string> Scopes { get; } = [];

    /// <summary>A revoked key is refused like an unknown one; keep it listed to make the revocation visible.</summary>
    public bool Revoked { get; set; }

    public DateTimeOffset? ExpiresAt { get; set; }

    /// <summary>
    /// The successor <c>rotate-key</c> issued. The key works until <see cref="ExpiresAt"/>, the end of its grace
    /// period, and is left out of the expiry gauge: its end is planned, not a warning.
    /// </summary>
    public string? ReplacedBy { get; set; }

    /// <summary>Overrides <see cref="RateLimitOptions.Requests"/> for this key.</summary>
    public BucketLimit? Requests { get; set; }

    /// <summary>Overrides <see cref="RateLimitOptions.Records"/> for this key.</summary>
    public BucketLimit? Records { get; set; }
}
