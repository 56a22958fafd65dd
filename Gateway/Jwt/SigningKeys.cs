using System.Collections.Frozen;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using Microsoft.IdentityModel.Tokens;

namespace Gateway.Jwt;

/// <summary>
/// The public keys of <see cref="JwtOptions.SigningKeysFile"/>, by kid, swapped whole when the file changes. Several
/// keys at once make a rollover: publish the next key, let the issuer sign with it, remove the old one. A change that
/// does not parse keeps the keys in force and is logged; at start a broken file stops the gateway.
/// </summary>
public sealed class SigningKeys : IDisposable
{
    private readonly JwtOptions _options;
    private readonly ILogger<SigningKeys> _logger;
    private readonly PhysicalFileProvider? _files;
    private readonly IDisposable? _watch;
    private volatile FrozenDictionary<string, JsonWebKey> _keys = FrozenDictionary<string, JsonWebKey>.Empty;

    public SigningKeys(IOptions<JwtOptions> options, ILogger<SigningKeys> logger)
    {
        _options = options.Value;
        _logger = logger;
        if (!_options.Enabled || string.IsNullOrWhiteSpace(_options.SigningKeysFile))
        {
            return;
        }

        var path = Path.GetFullPath(_options.SigningKeysFile);
        var (keys, error) = Load(path, _options.Algorithm);
        if (error is not null)
        {
            throw new OptionsValidationException(JwtOptions.SectionName, typeof(JwtOptions), [$"{JwtOptions.SectionName}:SigningKeysFile: {error}"]);
        }

        _keys = keys;
        Log.SigningKeysLoaded(logger, keys.Count, path);
        _files = new PhysicalFileProvider(Path.GetDirectoryName(path)!);
        _watch = ChangeToken.OnChange(() => _files.Watch(Path.GetFileName(path)), () => Reload(path));
    }

    public IReadOnlyCollection<string> KeyIds => _keys.Keys;

    /// <summary>The key a token's kid names, or none: a token is never tried against every key.</summary>
    public IEnumerable<SecurityKey> Find(string? kid) =>
        kid is not null && _keys.TryGetValue(kid, out var key) ? [key] : [];

    public void Dispose()
    {
        _watch?.Dispose();
        _files?.Dispose();
    }

    internal static (FrozenDictionary<string, JsonWebKey> Keys, string? Error) Load(string path, string algorithm)
    {
        JsonWebKeySet set;
        try
        {
            set = new JsonWebKeySet(File.ReadAllText(path));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return (FrozenDictionary<string, JsonWebKey>.Empty, $"cannot read a JWKS from '{path}': {ex.Message}");
        }

        var type = algorithm == JwtOptions.RS256 ? JsonWebAlgorithmsKeyTypes.RSA : JsonWebAlgorithmsKeyTypes.EllipticCurve;
        var keys = new Dictionary<string, JsonWebKey>(StringComparer.Ordinal);
        foreach (var key in set.Keys)
        {
            var problem = key switch
            {
                { Kid: null or "" } => "every key needs a kid",
                { HasPrivateKey: true } => $"key '{key.Kid}' holds a private part; publish only the public key",
                _ when key.Kty != type => $"key '{key.Kid}' is {key.Kty}, but {algorithm} needs {type}",
                { Alg: { Length: > 0 } alg } when alg != algorithm => $"key '{key.Kid}' is for {alg}, not {algorithm}",
                { Use: { Length: > 0 } use } when use != JsonWebKeyUseNames.Sig => $"key '{key.Kid}' is for '{use}', not signatures",
                _ when keys.ContainsKey(key.Kid) => $"kid '{key.Kid}' is listed twice",
                _ => null,
            };
            if (problem is not null)
            {
                return (FrozenDictionary<string, JsonWebKey>.Empty, problem);
            }

            keys[key.Kid!] = key;
        }

        return keys.Count == 0
            ? (FrozenDictionary<string, JsonWebKey>.Empty, $"'{path}' lists no signing key")
            : (keys.ToFrozenDictionary(StringComparer.Ordinal), null);
    }

    private void Reload(string path)
    {
        var (keys, error) = Load(path, _options.Algorithm);
        if (error is not null)
        {
            Log.SigningKeysIgnored(_logger, error);
            return;
        }

        _keys = keys;
        Log.SigningKeysLoaded(_logger, keys.Count, path);
    }
}
