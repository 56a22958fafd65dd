using System.Net;
using System.Text.Json;
using Gateway.ApiKeys;
using Gateway.Jwt;
using Microsoft.Extensions.Hosting;
using Persistence.Contracts;

namespace Gateway.Tests;

/// <summary>
/// Bearer JWTs beside API keys, through the gateway's own pipeline in process, against a JWKS file of keys generated
/// here. The replica behind it records what it was sent.
/// </summary>
public sealed class JwtBearerTests : IAsyncLifetime, IDisposable
{
    private const string ReadPath = ApiRoutes.DeprecatedTranslations.Prefix + "/job-1";
    private const string IngestPath = ApiRoutes.DeprecatedTranslations.Prefix;

    private readonly LocalTokenIssuer _issuer = new("current", "next", "stranger");
    private readonly string _directory = Directory.CreateTempSubdirectory("gateway-jwt-").FullName;
    private RecordingReplica _replica = null!;

    private string JwksPath => Path.Combine(_directory, "jwks.json");

    public async Task InitializeAsync()
    {
        _replica = await RecordingReplica.StartAsync();
        _issuer.WriteJwks(JwksPath, "current");
    }

    public async Task DisposeAsync()
    {
        await _replica.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    public void Dispose() => _issuer.Dispose();

    [Fact]
    public async Task A_valid_token_reaches_the_replica_as_its_client_and_the_token_itself_stays_at_the_gateway()
    {
        await using var gateway = Gateway();
        using var client = gateway.CreateClient(_issuer.Mint("current", scope: Scopes.Read));

        using var response = await client.GetAsync(ReadPath);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var received = Assert.Single(_replica.Received);
        Assert.Equal(BearerTokenEvents.CallerPrefix + "reporting-app", received[InternalCallers.KeyIdHeader].ToString());
        Assert.False(received.ContainsKey("Authorization"), "The replica must never see the token.");
        Assert.Equal(InProcessGateway.InternalCredential, received[InternalCallers.CredentialHeader].ToString());
    }

    public static TheoryData<string> Refused => new()
    {
        "expired", "wrong issuer", "wrong audience", "alg none", "HS256 keyed with the public key", "unknown kid",
        "a listed key under an unlisted kid", "no client id", "garbage with two dots",
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public async Task A_token_that_is_not_exactly_right_gets_401_and_never_reaches_a_replica(string flaw)
    {
        var token = flaw switch
        {
            "expired" => _issuer.Mint("current", expires: DateTime.UtcNow.AddMinutes(-2)),
            "wrong issuer" => _issuer.Mint("current", issuer: "https://elsewhere.test/"),
            "wrong audience" => _issuer.Mint("current", audience: "another-api"),
            "alg none" => LocalTokenIssuer.WithoutSignature("current"),
            "HS256 keyed with the public key" => _issuer.SignedWithPublicKeyAsHmacSecret("current"),
            "unknown kid" => _issuer.Mint("stranger"),
            "a listed key under an unlisted kid" => _issuer.Mint("current", kidInHeader: "renamed"),
            "no client id" => _issuer.Mint("current", clientId: null),
            _ => "not.a.token",
        };
        await using var gateway = Gateway();
        using var client = gateway.CreateClient(token);

        using var response = await client.GetAsync(ReadPath);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("error=\"invalid_token\"", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        Assert.Empty(_replica.Received);
    }

    [Fact]
    public async Task A_valid_token_without_the_scope_of_the_route_gets_403()
    {
        await using var gateway = Gateway();
        using var client = gateway.CreateClient(_issuer.Mint("current", scope: "read review"));

        using var response = await client.PostAsync(IngestPath, new StringContent("{}", System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Contains("reporting-app", problem.RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Empty(_replica.Received);
    }

    [Fact]
    public async Task Scopes_the_gateway_does_not_know_grant_nothing()
    {
        await using var gateway = Gateway();
        using var client = gateway.CreateClient(_issuer.Mint("current", scope: "read:all superuser"));

        using var response = await client.GetAsync(ReadPath);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task During_a_rollover_both_keys_are_accepted_and_a_removed_key_is_refused_without_a_restart()
    {
        await using var gateway = Gateway();
        var old = _issuer.Mint("current");
        var next = _issuer.Mint("next");
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(gateway, next));

        _issuer.WriteJwks(JwksPath, "current", "next");
        await UntilAsync(gateway, next, HttpStatusCode.OK);
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(gateway, old));

        _issuer.WriteJwks(JwksPath, "next");
        await UntilAsync(gateway, old, HttpStatusCode.Unauthorized);
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(gateway, next));
    }

    [Fact]
    public async Task A_broken_edit_of_the_key_file_keeps_the_keys_in_force()
    {
        await using var gateway = Gateway();
        var token = _issuer.Mint("current");
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(gateway, token));

        await File.WriteAllTextAsync(JwksPath, "{\"keys\": [ {\"kty\": ");
        await Task.Delay(TimeSpan.FromSeconds(1));

        Assert.Equal(HttpStatusCode.OK, await StatusAsync(gateway, token));
    }

    [Fact]
    public async Task API_keys_keep_working_beside_tokens_in_either_header()
    {
        var (key, salt, hash) = ApiKeySecrets.Create("batch-loader");
        await using var gateway = Gateway(new()
        {
            ["ApiKeys:Keys:batch-loader:Salt"] = salt,
            ["ApiKeys:Keys:batch-loader:Hash"] = hash,
            ["ApiKeys:Keys:batch-loader:Scopes:0"] = Scopes.Read,
        });

        Assert.Equal(HttpStatusCode.OK, await StatusAsync(gateway, key));
        using var client = gateway.CreateClient();
        client.DefaultRequestHeaders.Add(ApiKeyAuthenticationHandler.HeaderName, key);
        using var response = await client.GetAsync(ReadPath);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.All(_replica.Received, headers => Assert.Equal("batch-loader", headers[InternalCallers.KeyIdHeader].ToString()));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(gateway, key[..^2] + "xx"));
    }

    private InProcessGateway Gateway(Dictionary<string, string?>? more = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Authentication:Jwt:Issuer"] = LocalTokenIssuer.Issuer,
            ["Authentication:Jwt:Audience"] = LocalTokenIssuer.Audience,
            ["Authentication:Jwt:SigningKeysFile"] = JwksPath,
        };
        foreach (var (key, value) in more ?? [])
        {
            settings[key] = value;
        }

        return new InProcessGateway(_replica.Address, settings);
    }

    private static async Task<HttpStatusCode> StatusAsync(InProcessGateway gateway, string bearer)
    {
        using var client = gateway.CreateClient(bearer);
        using var response = await client.GetAsync(ReadPath);
        return response.StatusCode;
    }

    private static async Task UntilAsync(InProcessGateway gateway, string bearer, HttpStatusCode expected)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (await StatusAsync(gateway, bearer) != expected)
        {
            Assert.True(DateTime.UtcNow < deadline, $"The gateway did not answer {expected} within 15 s of the key file's change.");
            await Task.Delay(100);
        }
    }
}
