using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Persistence.Api.Ingest;

/// <summary>
/// Refuses to start in fsync strict mode against a Redis without <c>WAITAOF</c> (before 7.2): every batch would
/// otherwise be answered 503 forever.
/// </summary>
public sealed class DurabilityCheck(DurableConnection durable, IOptions<IngestOptions> options, ILogger<DurabilityCheck> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!options.Value.WaitForFsync)
        {
            return;
        }

        try
        {
            await (await durable.GetAsync()).GetDatabase().ExecuteAsync("WAITAOF", 0, 0, 0);
        }
        catch (RedisServerException ex) when (ex.Message.Contains("unknown command", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException(
                "Ingest:WaitForFsync needs Redis 7.2 or later (WAITAOF). With an older Redis, turn it off and run Redis with appendfsync always, which fsyncs before every reply.",
                ex);
        }
        catch (Exception ex) when (ex is RedisConnectionException or RedisTimeoutException)
        {
            // Redis is not up yet; appends will fail with 503 until it is, and then with a clear error if WAITAOF is missing.
            Log.DurabilityUnchecked(logger, ex);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
