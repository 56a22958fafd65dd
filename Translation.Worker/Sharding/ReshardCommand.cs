using System.Globalization;
using Microsoft.Extensions.Options;
using Persistence.Contracts;
using StackExchange.Redis;

namespace Translation.Worker.Sharding;

/// <summary>
/// <c>reshard --to N [--timeout-seconds S]</c>: the operator command that changes the shard count of a running stack
/// (<see cref="ShardSwitch"/>). Exits 0 once the layout is active, 1 on a failure the message explains, 2 on usage.
/// </summary>
public static class ReshardCommand
{
    public const string Reshard = "reshard";

    private const string Usage = "Usage: reshard --to N [--timeout-seconds S]  (settings as --Key=value)";

    public static async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        if (!TryParse(args, out var shards, out var timeout, out var settings))
        {
            await Console.Error.WriteLineAsync(Usage);
            return 2;
        }

        try
        {
            var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = settings, ContentRootPath = AppContext.BaseDirectory });
            builder.Logging.AddFilter("StackExchange.Redis", LogLevel.Warning);
            builder.AddRedisClient(WorkerExtensions.RedisConnectionName, configureOptions: options => options.AbortOnConnectFail = true);
            builder.Services.AddSingleton(TimeProvider.System);
            builder.Services.AddSingleton<ShardSwitch>();
            using var host = builder.Build();
            await host.Services.GetRequiredService<ShardSwitch>().RunAsync(shards, timeout, Console.WriteLine, cancellationToken);
            return 0;
        }
        catch (Exception ex) when (ex is InvalidOperationException or OptionsValidationException or TimeoutException or RedisException)
        {
            await Console.Error.WriteLineAsync($"error: {ex.Message}");
            return 1;
        }
    }

    private static bool TryParse(string[] args, out int shards, out TimeSpan timeout, out string[] settings)
    {
        shards = 0;
        timeout = TimeSpan.FromMinutes(5);
        var rest = new List<string>();
        for (var i = 1; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--to" when i + 1 < args.Length && int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out var n):
                    shards = n;
                    i++;
                    break;
                case "--timeout-seconds" when i + 1 < args.Length && int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out var s) && s > 0:
                    timeout = TimeSpan.FromSeconds(s);
                    i++;
                    break;
                case var setting when setting.StartsWith("--", StringComparison.Ordinal) && setting.Contains('=', StringComparison.Ordinal):
                    rest.Add(setting);
                    break;
                default:
                    settings = [];
                    return false;
            }
        }

        settings = [.. rest];
        return shards is >= 1 and <= StreamShards.MaxCount;
    }
}
