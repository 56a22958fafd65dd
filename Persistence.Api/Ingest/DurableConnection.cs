using StackExchange.Redis;

namespace Persistence.Api.Ingest;

/// <summary>
/// The Redis connection strict mode writes and waits on. <c>WAIT</c> and <c>WAITAOF</c> hold the connection they are
/// sent on until their deadline, and they wait only for the writes made on that same connection; so a strict batch is
/// appended and waited for here, never on the shared multiplexer that every other append, read, health check and
/// poll goes through. Opened on first use with the shared one's settings, so a replica without strict mode opens
/// nothing.
/// </summary>
public sealed class DurableConnection(IConnectionMultiplexer shared) : IAsyncDisposable
{
    private readonly Lazy<Task<IConnectionMultiplexer>> _connection = new(() => ConnectAsync(shared));

    public Task<IConnectionMultiplexer> GetAsync() => _connection.Value;

    public async ValueTask DisposeAsync()
    {
        if (_connection.IsValueCreated)
        {
            await (await _connection.Value).DisposeAsync();
        }
    }

    private static async Task<IConnectionMultiplexer> ConnectAsync(IConnectionMultiplexer shared)
    {
        var settings = ConfigurationOptions.Parse(shared.Configuration);
        // Like the shared one, it keeps reconnecting in the background rather than failing for good while Redis is down.
        settings.AbortOnConnectFail = false;
        settings.ClientName = $"{shared.ClientName}-durable";
        return await ConnectionMultiplexer.ConnectAsync(settings);
    }
}
