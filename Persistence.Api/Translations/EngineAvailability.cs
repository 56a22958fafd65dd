using Persistence.Contracts;
using StackExchange.Redis;

namespace Persistence.Api.Translations;

/// <summary>Whether a re-queue may name an engine: only one some running worker announced (<see cref="EngineRoster"/>).</summary>
public sealed class EngineAvailability(IConnectionMultiplexer redis, TimeProvider time)
{
    /// <summary>Null when the engine can run; otherwise the refusal, to answer with 409.</summary>
    public async Task<string?> RefusalAsync(string engine) =>
        await EngineRoster.CanRunAsync(redis.GetDatabase(), engine, time.GetUtcNow())
            ? null
            : $"No running worker can run the '{engine}' engine (the OpenAI engine needs Processing:OpenAi:ApiKey); nothing was re-queued.";
}
