using Microsoft.Extensions.Options;

namespace Gateway.Jwt;

/// <summary>
/// Bearer JWTs accepted beside API keys. Off unless <see cref="Issuer"/> is set. The signing keys come from a JWKS
/// file (<see cref="SigningKeysFile"/>) or from an OpenID Connect authority's discovery document
/// (<see cref="Authority"/>), never both.
/// </summary>
public sealed class JwtOptions
{
    public const string SectionName = "Authentication:Jwt";

    public const string ES256 = "ES256";
    public const string RS256 = "RS256";

    /// <summary>The only <c>iss</c> accepted.</summary>
    public string? Issuer { get; set; }

    /// <summary>The <c>aud</c> a token must name.</summary>
    public string? Audience { get; set; }

    /// <summary>The one signing algorithm accepted; any other <c>alg</c> (none, HS256, ...) is refused.</summary>
    public string Algorithm { get; set; } = ES256;

    /// <summary>A JWKS document (<c>{"keys": [...]}</c>), watched: edit it to add the next key or remove an old one.</summary>
    public string? SigningKeysFile { get; set; }

    /// <summary>An OpenID Connect issuer whose discovery document names the JWKS to fetch (and refetch on an unknown kid).</summary>
    public string? Authority { get; set; }

    /// <summary>Off only for a local authority in tests and development; discovery over plain HTTP can be spoofed.</summary>
    public bool RequireHttpsMetadata { get; set; } = true;

    /// <summary>The claim naming the client: the rate-limit identity and the caller the replicas record.</summary>
    public string ClientIdClaim { get; set; } = "client_id";

    /// <summary>Tolerated difference between the issuer's clock and ours when checking <c>exp</c> and <c>nbf</c>.</summary>
    public int ClockSkewSeconds { get; set; } = 30;

    public bool Enabled => !string.IsNullOrWhiteSpace(Issuer);
}

/// <summary>Every mistake in the section at once, so an operator fixes them in one go.</summary>
public sealed class JwtOptionsValidator : IValidateOptions<JwtOptions>
{
    public ValidateOptionsResult Validate(string? name, JwtOptions options)
    {
        if (!options.Enabled)
        {
            return ValidateOptionsResult.Success;
        }

        const string Section = JwtOptions.SectionName;
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(options.Audience))
        {
            errors.Add($"{Section}:Audience is required when {Section}:Issuer is set.");
        }

        if (options.Algorithm is not (JwtOptions.ES256 or JwtOptions.RS256))
        {
            errors.Add($"{Section}:Algorithm must be {JwtOptions.ES256} or {JwtOptions.RS256}, not '{options.Algorithm}'.");
        }

        var hasFile = !string.IsNullOrWhiteSpace(options.SigningKeysFile);
        var hasAuthority = !string.IsNullOrWhiteSpace(options.Authority);
        if (hasFile == hasAuthority)
        {
            errors.Add($"Set exactly one of {Section}:SigningKeysFile and {Section}:Authority.");
        }

        if (hasAuthority && !Uri.TryCreate(options.Authority, UriKind.Absolute, out _))
        {
            errors.Add($"{Section}:Authority must be an absolute URL.");
        }

        if (string.IsNullOrWhiteSpace(options.ClientIdClaim))
        {
            errors.Add($"{Section}:ClientIdClaim must name a claim.");
        }

        if (options.ClockSkewSeconds is < 0 or > 300)
        {
            errors.Add($"{Section}:ClockSkewSeconds must be between 0 and 300.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
