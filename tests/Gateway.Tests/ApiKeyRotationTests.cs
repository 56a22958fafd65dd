using System.Net;
using System.Text.Json.Nodes;
using Gateway.ApiKeys;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Persistence.Contracts;

namespace Gateway.Tests;

/// <summary>Keys expire, <c>rotate-key</c> issues their successors, and the gauge warns of the ones nobody rotated.</summary>
public sealed class ApiKeyRotationTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 12, 4, 12, 0, 0, TimeSpan.Zero);

    private readonly string _directory = Directory.CreateTempSubdirectory("gateway-rotation-").FullName;

    private string KeyFile => Path.Combine(_directory, "api-keys.json");

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void A_new_key_expires_after_90_days_unless_told_otherwise()
    {
        Assert.Equal(Now.AddDays(90), ExpiryOf(NewKey("loader")));
        Assert.Equal(Now.AddDays(30), ExpiryOf(NewKey("loader", "--expires-in-days", "30")));
        Assert.Null(ExpiryOf(NewKey("loader", "--no-expiry")));

        static DateTimeOffset? ExpiryOf(JsonNode created) =>
            created["configuration"]!["ApiKeys"]!["Keys"]!["loader"]!["ExpiresAt"] is { } expires
                ? DateTimeOffset.Parse(expires.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture)
                : null;
    }

    [Fact]
    public void Rotation_issues_a_successor_with_the_same_rights_and_ends_the_old_key_after_the_grace_period()
    {
        var oldKey = WriteKeyFile("loader", ("other", Scopes.Admin));
        var file = JsonNode.Parse(File.ReadAllText(KeyFile))!;
        file["ApiKeys"]!["Keys"]!["loader"]!["Requests"] = new JsonObject { ["PerSecond"] = 5, ["Burst"] = 10 };
        File.WriteAllText(KeyFile, file.ToJsonString());

        var rotated = Rotate("loader", "--grace-days", "7", "--json");

        var newKey = rotated["key"]!.GetValue<string>();
        Assert.Equal("loader-r2", rotated["id"]!.GetValue<string>());
        var store = Store();
        Assert.Equal(KeyCheck.Valid, store.Check(oldKey, Now.AddDays(7).AddSeconds(-1), out _));
        Assert.Equal(KeyCheck.Expired, store.Check(oldKey, Now.AddDays(7), out _));
        Assert.Equal(KeyCheck.Valid, store.Check(newKey, Now.AddDays(89), out var successor));
        Assert.Equal(KeyCheck.Expired, store.Check(newKey, Now.AddDays(90), out _));
        Assert.Equal([Scopes.Ingest, Scopes.Read], successor!.Scopes.Order(StringComparer.Ordinal));
        Assert.Equal(10, successor.Requests!.Burst);
        Assert.Equal("loader-r2", store.Keys.Single(k => k.Id == "loader").ReplacedBy);
        Assert.Contains(store.Keys, k => k.Id == "other");
    }

    [Fact]
    public void Rotation_never_extends_an_old_keys_life()
    {
        var oldKey = WriteKeyFile("loader");
        var file = JsonNode.Parse(File.ReadAllText(KeyFile))!;
        file["ApiKeys"]!["Keys"]!["loader"]!["ExpiresAt"] = KeyEntry.Format(Now.AddDays(2));
        File.WriteAllText(KeyFile, file.ToJsonString());

        Rotate("loader", "--grace-days", "7", "--json");

        Assert.Equal(KeyCheck.Expired, Store().Check(oldKey, Now.AddDays(2), out _));
    }

    [Fact]
    public void The_successor_of_a_successor_counts_on_and_a_replaced_or_unknown_key_is_not_rotated()
    {
        WriteKeyFile("loader");
        Assert.Equal("loader-r2", Rotate("loader", "--json")["id"]!.GetValue<string>());
        Assert.Equal("loader-r3", Rotate("loader-r2", "--json")["id"]!.GetValue<string>());

        using var output = new StringWriter();
        using var error = new StringWriter();
        Assert.Equal(1, RotateKeyCommand.Run(["loader", "--file", KeyFile], output, error, Now));
        Assert.Contains("already replaced", error.ToString(), StringComparison.Ordinal);
        Assert.Equal(1, RotateKeyCommand.Run(["nobody", "--file", KeyFile], output, error, Now));
        Assert.Equal(2, RotateKeyCommand.Run(["loader-r3"], output, error, Now));
    }

    [Fact]
    public void The_expiry_gauge_reports_keys_nobody_rotated_and_leaves_out_revoked_replaced_and_unending_ones()
    {
        var options = new ApiKeyOptions();
        Add(options, "soon", Now.AddDays(10));
        Add(options, "gone", Now.AddDays(-1));
        Add(options, "revoked", Now.AddDays(3)).Revoked = true;
        Add(options, "rotated", Now.AddDays(3)).ReplacedBy = "rotated-r2";
        Add(options, "forever", null);
        using var store = new ApiKeyStore(new StaticMonitor<ApiKeyOptions>(options), NullLogger<ApiKeyStore>.Instance);

        var days = ApiKeyExpiryGauge.Observe(store.Keys, Now)
            .ToDictionary(m => (string)m.Tags[0].Value!, m => m.Value, StringComparer.Ordinal);

        Assert.Equal(new Dictionary<string, double> { ["soon"] = 10, ["gone"] = -1 }, days);
    }

    [Fact]
    public async Task A_running_gateway_accepts_the_old_and_the_new_key_right_after_a_rotation()
    {
        var oldKey = WriteKeyFile("loader");
        await using var replica = await RecordingReplica.StartAsync();
        await using var gateway = new InProcessGateway(replica.Address, new Dictionary<string, string?> { ["ApiKeys:File"] = KeyFile });
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(gateway, oldKey));

        var newKey = Rotate("loader", "--json")["key"]!.GetValue<string>();

        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (await StatusAsync(gateway, newKey) != HttpStatusCode.OK)
        {
            Assert.True(DateTime.UtcNow < deadline, "The gateway did not load the rotated key file within 15 s.");
            await Task.Delay(100);
        }

        Assert.Equal(HttpStatusCode.OK, await StatusAsync(gateway, oldKey));
    }

    private static JsonNode NewKey(string id, params string[] more)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        Assert.Equal(0, NewKeyCommand.Run(["--id", id, "--json", .. more], output, error, Now));
        return JsonNode.Parse(output.ToString())!;
    }

    /// <summary>A key file as new-key starts it (ingest and read), plus other keys; returns the first key.</summary>
    private string WriteKeyFile(string id, params (string Id, string Scope)[] others)
    {
        var created = NewKey(id, "--scopes", "ingest,read");
        var document = created["configuration"]!.DeepClone();
        foreach (var (other, scope) in others)
        {
            document["ApiKeys"]!["Keys"]![other] = NewKey(other, "--scopes", scope)["configuration"]!["ApiKeys"]!["Keys"]![other]!.DeepClone();
        }

        File.WriteAllText(KeyFile, document.ToJsonString());
        return created["key"]!.GetValue<string>();
    }

    private JsonNode Rotate(string id, params string[] more)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        Assert.Equal(0, RotateKeyCommand.Run([id, "--file", KeyFile, .. more], output, error, Now));
        return JsonNode.Parse(output.ToString())!;
    }

    /// <summary>The key file read the way the gateway reads it: configuration binding, then the store.</summary>
    private ApiKeyStore Store()
    {
        var options = new ApiKeyOptions();
        new ConfigurationBuilder().AddJsonFile(KeyFile).Build().GetSection(ApiKeyOptions.SectionName).Bind(options);
        return new ApiKeyStore(new StaticMonitor<ApiKeyOptions>(options), NullLogger<ApiKeyStore>.Instance);
    }

    private static ApiKeyDefinition Add(ApiKeyOptions options, string id, DateTimeOffset? expiresAt)
    {
        var (_, salt, hash) = ApiKeySecrets.Create(id);
        var definition = new ApiKeyDefinition { Salt = salt, Hash = hash, ExpiresAt = expiresAt };
        definition.Scopes.Add(Scopes.Read);
        options.Keys[id] = definition;
        return definition;
    }

    private static async Task<HttpStatusCode> StatusAsync(InProcessGateway gateway, string key)
    {
        using var client = gateway.CreateClient();
        client.DefaultRequestHeaders.Add(ApiKeyAuthenticationHandler.HeaderName, key);
        using var response = await client.GetAsync(ApiRoutes.DeprecatedTranslations.Prefix + "/job-1");
        return response.StatusCode;
    }
}
