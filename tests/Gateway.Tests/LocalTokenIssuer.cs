using System.Buffers.Text;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Persistence.Contracts;

namespace Gateway.Tests;

/// <summary>
/// An issuer made in the test: ECDSA P-256 keys generated here, a JWKS file with their public halves, and tokens
/// signed the way a real authorization server signs them (<see cref="JsonWebTokenHandler"/>).
/// </summary>
public sealed class LocalTokenIssuer : IDisposable
{
    public const string Issuer = "https://issuer.test/";
    public const string Audience = "persistence-gateway";

    private readonly Dictionary<string, ECDsa> _keys = new(StringComparer.Ordinal);

    public LocalTokenIssuer(params string[] kids)
    {
        foreach (var kid in kids)
        {
            AddKey(kid);
        }
    }

    public void AddKey(string kid) => _keys[kid] = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    public void Dispose()
    {
        foreach (var key in _keys.Values)
        {
            key.Dispose();
        }
    }

    /// <summary>The JWKS of the named keys' public halves, as an authority publishes it.</summary>
    public string Jwks(params string[] kids) =>
        new JsonObject { ["keys"] = new JsonArray([.. kids.Select(kid => (JsonNode)PublicJwk(kid))]) }.ToJsonString();

    /// <summary>Replaces the file whole, as a secret mount or a deploy does, so the gateway never reads half of it.</summary>
    public void WriteJwks(string path, params string[] kids)
    {
        var temporary = path + ".tmp";
        File.WriteAllText(temporary, Jwks(kids));
        File.Move(temporary, path, overwrite: true);
    }

    public string Mint(
        string kid, string scope = Scopes.Read, string? clientId = "reporting-app", string issuer = Issuer, string audience = Audience,
        DateTime? expires = null, string? kidInHeader = null)
    {
        var now = DateTime.UtcNow;
        var claims = new Dictionary<string, object> { [Scopes.ClaimType] = scope };
        if (clientId is not null)
        {
            claims["client_id"] = clientId;
        }

        var exp = expires ?? now.AddMinutes(5);
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            Claims = claims,
            Subject = new ClaimsIdentity([new Claim("sub", "user-1")]),
            IssuedAt = exp.AddMinutes(-10),
            NotBefore = exp.AddMinutes(-10),
            Expires = exp,
            SigningCredentials = new SigningCredentials(new ECDsaSecurityKey(_keys[kid]) { KeyId = kidInHeader ?? kid }, SecurityAlgorithms.EcdsaSha256),
        });
    }

    /// <summary>An unsigned token (<c>alg: none</c>) naming a listed kid.</summary>
    public static string WithoutSignature(string kid) =>
        $"{Encode(new { alg = "none", typ = "JWT", kid })}.{Encode(Payload())}.";

    /// <summary>
    /// The key-confusion attack: HS256 keyed with the bytes of our public key, which anyone can read from the JWKS.
    /// </summary>
    public string SignedWithPublicKeyAsHmacSecret(string kid)
    {
        var signingInput = $"{Encode(new { alg = "HS256", typ = "JWT", kid })}.{Encode(Payload())}";
        var secret = Encoding.UTF8.GetBytes(PublicJwk(kid).ToJsonString());
        var signature = HMACSHA256.HashData(secret, Encoding.ASCII.GetBytes(signingInput));
        return $"{signingInput}.{Base64Url.EncodeToString(signature)}";
    }

    private JsonObject PublicJwk(string kid)
    {
        var point = _keys[kid].ExportParameters(includePrivateParameters: false).Q;
        return new JsonObject
        {
            ["kty"] = "EC",
            ["crv"] = "P-256",
            ["x"] = Base64Url.EncodeToString(point.X),
            ["y"] = Base64Url.EncodeToString(point.Y),
            ["kid"] = kid,
            ["use"] = "sig",
            ["alg"] = "ES256",
        };
    }

    private static object Payload()
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        return new { iss = Issuer, aud = Audience, client_id = "reporting-app", scope = "read admin ingest", iat = now, nbf = now, exp = now + 300 };
    }

    private static string Encode(object value) => Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(value));
}
