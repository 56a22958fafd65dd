using StackExchange.Redis;

namespace Gateway.Tests;

/// <summary>
/// The Redis password rotation of docs/operations.md ("Rotating secrets"), step by step on a real redis-server: an ACL
/// user holds the old and the new password at once, services move to the new one one at a time, and the old one is
/// removed last. A client writes all along; not one of its commands may fail.
/// </summary>
public sealed class RedisPasswordRotationTests
{
    private const string User = "persistence";

    [Fact]
    public async Task An_ACL_user_with_two_passwords_lets_services_move_to_the_new_one_without_a_failed_command()
    {
        await using var redis = await LocalRedis.StartAsync();
        await using (var setup = await ConnectionMultiplexer.ConnectAsync($"{redis.Endpoint},allowAdmin=true"))
        {
            // As in production: no password-less default user, so a refused AUTH leaves nothing to fall back to.
            var initial = setup.GetServer(redis.Endpoint);
            await initial.ExecuteAsync("ACL", "SETUSER", "operator", "on", ">operator-password", "~*", "&*", "+@all");
            await initial.ExecuteAsync("ACL", "SETUSER", User, "on", ">old-password", "~*", "&*", "+@all");
            await initial.ExecuteAsync("ACL", "SETUSER", "default", "off");
        }

        await using var admin = await ConnectionMultiplexer.ConnectAsync(new ConfigurationOptions
        {
            EndPoints = { redis.Endpoint },
            User = "operator",
            Password = "operator-password",
            AllowAdmin = true,
        });
        var server = admin.GetServer(redis.Endpoint);

        // A service running with the old password, writing throughout the rotation.
        await using var running = await ConnectAsync(redis, "old-password");
        using var stop = new CancellationTokenSource();
        var writes = WriteUntilAsync(running.GetDatabase(), stop.Token);

        // 1. Add the new password beside the old one: both authenticate.
        await server.ExecuteAsync("ACL", "SETUSER", User, ">new-password");
        await using (var withOld = await ConnectAsync(redis, "old-password"))
        await using (var withNew = await ConnectAsync(redis, "new-password"))
        {
            Assert.True(withOld.IsConnected && withNew.IsConnected);
        }

        // 2. Restart the services one by one with the new password (here: a new connection replaces the running one).
        await using var restarted = await ConnectAsync(redis, "new-password");
        await restarted.GetDatabase().StringSetAsync("rotation:restarted", "yes");

        // 3. Remove the old password: new logins with it fail, the new one and the open connections go on.
        await server.ExecuteAsync("ACL", "SETUSER", User, "<old-password");
        await Assert.ThrowsAsync<RedisConnectionException>(() => ConnectAsync(redis, "old-password"));
        Assert.Equal("yes", (string?)await restarted.GetDatabase().StringGetAsync("rotation:restarted"));

        await Task.Delay(200);
        await stop.CancelAsync();
        var (succeeded, failed) = await writes;
        Assert.Equal(0, failed);
        Assert.True(succeeded > 10, $"Only {succeeded} writes ran during the rotation.");
    }

    private static async Task<ConnectionMultiplexer> ConnectAsync(LocalRedis redis, string password) =>
        await ConnectionMultiplexer.ConnectAsync(new ConfigurationOptions
        {
            EndPoints = { redis.Endpoint },
            User = User,
            Password = password,
            AbortOnConnectFail = true,
            ConnectTimeout = 2000,
        });

    private static async Task<(int Succeeded, int Failed)> WriteUntilAsync(IDatabase database, CancellationToken stop)
    {
        var (succeeded, failed) = (0, 0);
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await database.StringIncrementAsync("rotation:writes");
                succeeded++;
            }
            catch (RedisException)
            {
                failed++;
            }

            await Task.Delay(5, CancellationToken.None);
        }

        return (succeeded, failed);
    }
}
