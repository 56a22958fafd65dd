using System.Net;
using System.Text.Json.Nodes;
using AppHost;
using Gateway.ApiKeys;

namespace Integration.Tests;

/// <summary>
/// Edits the gateway key file of the running stack the way an operator would, then waits until every gateway
/// instance has reloaded it.
/// </summary>
public sealed class ApiKeyFile(StackFixture stack)
{
    private static readonly SemaphoreSlim Edits = new(1, 1);

    public async Task<string> AddAsync(
        string id, string[] scopes, (double PerSecond, long Burst)? requests = null, (double PerSecond, long Burst)? records = null,
        DateTimeOffset? expiresAt = null)
    {
        var (key, salt, hash) = ApiKeySecrets.Create(id);
        var entry = new JsonObject
        {
            ["Name"] = $"test {id}",
            ["Salt"] = salt,
            ["Hash"] = hash,
            ["Scopes"] = new JsonArray([.. scopes.Select(s => (JsonNode)s)]),
        };
        if (requests is { } r)
        {
            entry["Requests"] = new JsonObject { ["PerSecond"] = r.PerSecond, ["Burst"] = r.Burst };
        }

        if (records is { } c)
        {
            entry["Records"] = new JsonObject { ["PerSecond"] = c.PerSecond, ["Burst"] = c.Burst };
        }

        if (expiresAt is { } expiry)
        {
            entry["ExpiresAt"] = expiry.ToString("O", System.Globalization.CultureInfo.InvariantCulture);
        }

        await EditAsync(keys => keys[id] = entry);
        await WaitUntilAsync(key, expectAccepted: true);
        // The probes above were charged to the key (a refused request costs one too): its test starts from full buckets.
        await ResetBucketsAsync(id);
        return key;
    }

    public async Task RevokeAsync(string id, string key)
    {
        await EditAsync(keys => keys[id]!["Revoked"] = true);
        await WaitUntilAsync(key, expectAccepted: false);
    }

    private async Task EditAsync(Action<JsonObject> edit)
    {
        await Edits.WaitAsync();
        try
        {
            var path = DevelopmentKey.KeyFile(stack.StateDirectory);
            var document = JsonNode.Parse(await File.ReadAllTextAsync(path))!;
            edit(document["ApiKeys"]!["Keys"]!.AsObject());
            var temporary = path + ".tmp";
            await File.WriteAllTextAsync(temporary, document.ToJsonString());
            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            Edits.Release();
        }
    }

    /// <summary>
    /// Polls each gateway with the key until it is accepted (or refused) everywhere. Each poll comes from a loopback
    /// address of its own, so the refusals while waiting do not trip the key-guessing throttle.
    /// </summary>
    private async Task ResetBucketsAsync(string id)
    {
        await using var redis = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(stack.RedisConnectionString);
        foreach (var server in redis.GetServers().Where(s => !s.IsReplica))
        {
            await foreach (var bucket in server.KeysAsync(pattern: $"gateway:ratelimit:*{id}*"))
            {
                await redis.GetDatabase().KeyDeleteAsync(bucket);
            }
        }
    }

    private async Task WaitUntilAsync(string key, bool expectAccepted)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        for (var gateway = 0; gateway < stack.GatewayEndpoints.Count; gateway++)
        {
            while (true)
            {
                var source = new IPAddress([127, 1, (byte)Random.Shared.Next(256), (byte)Random.Shared.Next(1, 255)]);
                using var client = stack.CreateClient(key, gateway, StackFixture.FromAddress(source));
                // Any path will do: a 401 means the key is not (or no longer) known; anything else means it is.
                using var response = await client.GetAsync("/api/v1/key-probe");
                var accepted = response.StatusCode != System.Net.HttpStatusCode.Unauthorized;
                if (accepted == expectAccepted)
                {
                    break;
                }

                Assert.True(DateTime.UtcNow < deadline, $"Gateway {gateway} did not reload its key file within 20 s.\n{stack.LogTail()}");
                await Task.Delay(100);
            }
        }
    }
}
