using System.Net;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Gateway.Jwt;
using Microsoft.Extensions.Options;
using Persistence.Contracts;

namespace Gateway.Tests;

/// <summary>Where the signing keys come from, what the gateway refuses to start with, and whose budget a token spends.</summary>
public sealed class JwtGatewaySetupTests : IAsyncLifetime, IDisposable
{
    private const string ReadPath = ApiRoutes.DeprecatedTranslations.Prefix + "/job-1";

    private readonly LocalTokenIssuer _issuer = new("current", "stranger");
    private readonly string _directory = Directory.CreateTempSubdirectory("gateway-jwt-setup-").FullName;
    private RecordingReplica _replica = null!;

    public async Task InitializeAsync() => _replica = await RecordingReplica.StartAsync();

    public async Task DisposeAsync()
    {
        await _replica.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    public void Dispose() => _issuer.Dispose();

    [Fact]
    public async Task Keys_can_come_from_an_authoritys_discovery_document_instead_of_a_file()
    {
        await using var authority = await LocalAuthority.StartAsync(_issuer, "current");
        await using var gateway = new InProcessGateway(_replica.Address, new Dictionary<string, string?>
        {
            ["Authentication:Jwt:Issuer"] = LocalTokenIssuer.Issuer,
            ["Authentication:Jwt:Audience"] = LocalTokenIssuer.Audience,
            ["Authentication:Jwt:Authority"] = authority.Address,
            ["Authentication:Jwt:RequireHttpsMetadata"] = "false",
        });

        Assert.Equal(HttpStatusCode.OK, await StatusAsync(gateway, _issuer.Mint("current")));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(gateway, _issuer.Mint("stranger")));
    }

    [Fact]
    public async Task A_client_spends_one_rate_limit_budget_whichever_key_signed_its_tokens_and_other_clients_keep_theirs()
    {
        await using var redis = await LocalRedis.StartAsync();
        _issuer.AddKey("next");
        var jwks = Path.Combine(_directory, "jwks.json");
        _issuer.WriteJwks(jwks, "current", "next");
        await using var gateway = new InProcessGateway(_replica.Address, new Dictionary<string, string?>
        {
            ["Authentication:Jwt:Issuer"] = LocalTokenIssuer.Issuer,
            ["Authentication:Jwt:Audience"] = LocalTokenIssuer.Audience,
            ["Authentication:Jwt:SigningKeysFile"] = jwks,
            ["RateLimits:Enabled"] = "true",
            ["RateLimits:Requests:PerSecond"] = "0.01",
            ["RateLimits:Requests:Burst"] = "2",
            ["ConnectionStrings:redis"] = redis.Endpoint,
        });

        Assert.Equal(HttpStatusCode.OK, await StatusAsync(gateway, _issuer.Mint("current")));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(gateway, _issuer.Mint("next")));
        Assert.Equal(HttpStatusCode.TooManyRequests, await StatusAsync(gateway, _issuer.Mint("current")));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(gateway, _issuer.Mint("current", clientId: "another-app")));
    }

    [Fact]
    public void A_key_file_holding_a_private_key_stops_the_start()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var parameters = key.ExportParameters(includePrivateParameters: true);
        var jwks = Path.Combine(_directory, "private.json");
        File.WriteAllText(jwks, new JsonObject
        {
            ["keys"] = new JsonArray(new JsonObject
            {
                ["kty"] = "EC",
                ["crv"] = "P-256",
                ["kid"] = "leaked",
                ["x"] = System.Buffers.Text.Base64Url.EncodeToString(parameters.Q.X),
                ["y"] = System.Buffers.Text.Base64Url.EncodeToString(parameters.Q.Y),
                ["d"] = System.Buffers.Text.Base64Url.EncodeToString(parameters.D),
            }),
        }.ToJsonString());
        using var gateway = new InProcessGateway(_replica.Address, new Dictionary<string, string?>
        {
            ["Authentication:Jwt:Issuer"] = LocalTokenIssuer.Issuer,
            ["Authentication:Jwt:Audience"] = LocalTokenIssuer.Audience,
            ["Authentication:Jwt:SigningKeysFile"] = jwks,
        });

        var error = Assert.Throws<OptionsValidationException>(() => gateway.CreateClient());
        Assert.Contains("'leaked' holds a private part", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_mistake_in_the_section_is_reported_at_once()
    {
        var result = new JwtOptionsValidator().Validate(null, new JwtOptions
        {
            Issuer = LocalTokenIssuer.Issuer,
            Algorithm = "HS256",
            SigningKeysFile = "/keys.json",
            Authority = "https://issuer.test/",
        });

        Assert.True(result.Failed);
        Assert.Equal(3, result.Failures!.Count());
        Assert.Contains(result.Failures!, f => f.Contains("Audience", StringComparison.Ordinal));
        Assert.Contains(result.Failures!, f => f.Contains("ES256 or RS256", StringComparison.Ordinal));
        Assert.Contains(result.Failures!, f => f.Contains("exactly one of", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Without_an_issuer_configured_a_token_is_refused_like_any_unknown_credential()
    {
        await using var gateway = new InProcessGateway(_replica.Address, new Dictionary<string, string?>());

        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(gateway, _issuer.Mint("current")));
        Assert.Empty(_replica.Received);
    }

    private static async Task<HttpStatusCode> StatusAsync(InProcessGateway gateway, string bearer)
    {
        using var client = gateway.CreateClient(bearer);
        using var response = await client.GetAsync(ReadPath);
        return response.StatusCode;
    }
}
