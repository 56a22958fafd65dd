using StackExchange.Redis;

namespace Persistence.Contracts;

/// <summary>
/// Which translation engines some running worker can run right now. Each worker announces the engines it can run
/// (the OpenAI engine only with a key) every <see cref="AnnounceInterval"/>, each announcement good for
/// <see cref="Lifetime"/>; a re-queue to an engine nobody announced is refused instead of being served by another
/// engine. One sorted set: member the engine, score until when (Unix ms) the longest-lived announcement holds.
/// </summary>
public static class EngineRoster
{
    public const string Key = "{persistence}:translation-engines";

    public static readonly TimeSpan AnnounceInterval = TimeSpan.FromSeconds(10);

    /// <summary>Three announcements: a worker busy or restarting for a moment does not drop out.</summary>
    public static readonly TimeSpan Lifetime = 3 * AnnounceInterval;

    public static async Task AnnounceAsync(IDatabase database, IEnumerable<string> engines, DateTimeOffset now)
    {
        var until = (now + Lifetime).ToUnixTimeMilliseconds();
        // GT: a worker never shortens what another announced.
        await database.SortedSetAddAsync(Key, [.. engines.Select(e => new SortedSetEntry(e, until))], SortedSetWhen.GreaterThan);
        await database.SortedSetRemoveRangeByScoreAsync(Key, double.NegativeInfinity, now.ToUnixTimeMilliseconds(), Exclude.Stop);
    }

    public static async Task<bool> CanRunAsync(IDatabase database, string engine, DateTimeOffset now) =>
        await database.SortedSetScoreAsync(Key, engine) is { } until && until > now.ToUnixTimeMilliseconds();
}
