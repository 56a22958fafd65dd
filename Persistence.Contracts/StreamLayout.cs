using System.Globalization;
using StackExchange.Redis;

namespace Persistence.Contracts;

/// <summary>
/// The shard layout every process follows, kept in Redis rather than in each process's configuration, so producers
/// and consumers cannot disagree about where a record goes. During a switch (<see cref="Next"/> set) the API refuses
/// sessions and tasks, the workers drain <see cref="Active"/>, and only then does <see cref="Next"/> become active:
/// a record's old states are all committed before its new shard takes any, so the switch cannot reorder them.
/// </summary>
public sealed record StreamLayout(StreamShards Active, StreamShards? Next)
{
    public const string Key = "{persistence}:layout";
    private const string ActiveField = "shards";
    private const string NextField = "next";

    public bool Switching => Next is not null;

    /// <summary>Every stream the workers flush and the pipeline reports on: both layouts' shards while switching.</summary>
    public IReadOnlyList<string> DataStreams { get; } =
    [
        .. Active.All,
        .. Next?.All ?? [],
        PersistenceStreams.TranslationContents,
        PersistenceStreams.TranslationJobs,
    ];

    /// <summary>
    /// Reads the layout. When none is recorded, the streams decide: in a Redis without any sessions or tasks stream
    /// the first process to ask records <paramref name="seedShards"/>; in one that already holds the streams of one
    /// layout (a deployment that predates the key has the one-shard names), that layout is recorded, so no entry is
    /// left in a stream nobody reads. Streams of several layouts and no key is refused: only an operator knows which.
    /// </summary>
    public static async Task<StreamLayout> ReadAsync(IDatabaseAsync redis, int seedShards)
    {
        var values = await redis.HashGetAsync(Key, [ActiveField, NextField]);
        if (values[0].IsNull)
        {
            var seed = await FoundLayoutAsync(redis) ?? seedShards;
            // Written only when missing: a Redis over its maxmemory refuses HSETNX, and the layout must stay readable.
            _ = await redis.HashSetAsync(Key, ActiveField, seed, When.NotExists);
            values = await redis.HashGetAsync(Key, [ActiveField, NextField]);
        }

        return new(new StreamShards(Count(values[0])), values[1].IsNull ? null : new StreamShards(Count(values[1])));
    }

    /// <summary>Starts a switch to <paramref name="shards"/>: from now on appends of sessions and tasks are refused.</summary>
    public static Task BeginSwitchAsync(IDatabaseAsync redis, int shards) => redis.HashSetAsync(Key, NextField, shards);

    /// <summary>Ends a switch: <see cref="Next"/> becomes the active layout.</summary>
    public static async Task CompleteSwitchAsync(IDatabaseAsync redis, StreamShards next)
    {
        await redis.HashSetAsync(Key, ActiveField, next.Count);
        await redis.HashDeleteAsync(Key, NextField);
    }

    /// <summary>Puts back a backup's layout, switch included, in place of whatever the target recorded.</summary>
    public static async Task RestoreAsync(IDatabaseAsync redis, int shards, int? next)
    {
        await redis.HashSetAsync(Key, ActiveField, shards);
        if (next is { } count)
        {
            await redis.HashSetAsync(Key, NextField, count);
        }
        else
        {
            await redis.HashDeleteAsync(Key, NextField);
        }
    }

    /// <summary>Two reads of one layout are equal: what identifies it is its shard counts, not the objects read.</summary>
    public bool Equals(StreamLayout? other) =>
        other is not null && Active.Count == other.Active.Count && Next?.Count == other.Next?.Count;

    public override int GetHashCode() => HashCode.Combine(Active.Count, Next?.Count);

    public override string ToString() => Switching
        ? string.Create(CultureInfo.InvariantCulture, $"{Active.Count} shards, switching to {Next!.Count}")
        : string.Create(CultureInfo.InvariantCulture, $"{Active.Count} shards");

    /// <summary>The shard count whose sessions or tasks streams exist, or null when none do.</summary>
    private static async Task<int?> FoundLayoutAsync(IDatabaseAsync redis)
    {
        // One call per shard: a shard's sessions and tasks share its hash tag, and so its cluster slot.
        var probes = Enumerable.Range(1, StreamShards.MaxCount)
            .SelectMany(count => Enumerable.Range(0, count).Select(index => (Count: count, Exists: redis.KeyExistsAsync(
                [.. StreamShards.Sharded.Select(s => (RedisKey)StreamShards.Name(s, index, count))]))))
            .ToList();
        await Task.WhenAll(probes.Select(p => p.Exists));
        var found = probes.Where(p => p.Exists.Result > 0).Select(p => p.Count).Distinct().Order().ToList();
        return found.Count switch
        {
            0 => null,
            1 => found[0],
            _ => throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture,
                $"The stream layout key {Key} is missing and streams of {string.Join(" and ", found)} shards exist; record the active one (HSET {Key} {ActiveField} N) before starting the stack.")),
        };
    }

    private static int Count(RedisValue value) =>
        int.TryParse(value.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var count) && count is >= 1 and <= StreamShards.MaxCount
            ? count
            : throw new InvalidOperationException($"The stream layout in Redis ({Key}) holds '{value}', not a shard count from 1 to {StreamShards.MaxCount}.");
}
