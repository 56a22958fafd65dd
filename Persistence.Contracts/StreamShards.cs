using System.Globalization;
using System.IO.Hashing;
using System.Text;

namespace Persistence.Contracts;

/// <summary>
/// How the sessions and tasks streams are split into shards. A record goes to the shard its id hashes to, so every
/// state of one record passes through one stream and one consumer at a time: the worker's ordering (newest
/// <c>updated_at</c> wins, ties by arrival) holds within a shard, and shards need no order between them. Each shard
/// has a hash tag of its own, so on a Redis Cluster the shards spread over the nodes.
/// </summary>
public sealed class StreamShards
{
    /// <summary>The most shards a layout may have; past a few per Redis node they only add idle consumers.</summary>
    public const int MaxCount = 64;

    /// <summary>
    /// The count a new deployment starts with unless configured otherwise. One: on a single Redis every added shard
    /// adds flushers competing for the same cores (measured on two cores: 2, 4 and 8 shards reach 93 %, 87 % and 77 %
    /// of one shard's end-to-end rate). Shards pay on a Redis Cluster, two or more per master.
    /// </summary>
    public const int DefaultCount = 1;

    /// <summary>The streams that are split; the translation streams are appended together, in one slot.</summary>
    public static IReadOnlyList<string> Sharded { get; } = [PersistenceStreams.Sessions, PersistenceStreams.Tasks];

    private readonly Dictionary<string, string[]> _streams;

    public StreamShards(int count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, MaxCount);
        Count = count;
        _streams = Sharded.ToDictionary(s => s, s => Enumerable.Range(0, count).Select(i => Name(s, i, count)).ToArray());
    }

    public int Count { get; }

    /// <summary>Every shard of every sharded stream.</summary>
    public IEnumerable<string> All => _streams.Values.SelectMany(s => s);

    /// <summary>The shards of one stream, in index order.</summary>
    public IReadOnlyList<string> Of(string stream) => _streams[stream];

    /// <summary>The shard that holds every state of the record with this id.</summary>
    public string For(string stream, string? recordId) => _streams[stream][IndexOf(recordId, Count)];

    /// <summary>
    /// A stable hash (xxHash3 of the UTF-8 id, whose output is fixed by its specification), so every process and
    /// every release routes an id alike. A record without an id is refused by validation; it goes to shard 0.
    /// </summary>
    public static int IndexOf(string? recordId, int count) =>
        string.IsNullOrEmpty(recordId) || count == 1
            ? 0
            : (int)(XxHash3.HashToUInt64(Encoding.UTF8.GetBytes(recordId)) % (ulong)count);

    /// <summary>
    /// One shard keeps the stream's original name, so a deployment that predates shards is the one-shard layout.
    /// Names carry the count: the shards of two layouts never share a stream, which is what lets a switch drain one
    /// while the other fills.
    /// </summary>
    public static string Name(string stream, int index, int count)
    {
        if (count == 1)
        {
            return stream;
        }

        var name = stream[(stream.IndexOf("}:", StringComparison.Ordinal) + 2)..];
        return string.Create(CultureInfo.InvariantCulture, $"{{persistence:s{index}of{count}}}:{name}");
    }

    /// <summary>
    /// The stream a shard belongs to (<see cref="PersistenceStreams.Tasks"/> for any tasks shard of any layout), or
    /// null for a name that is no data stream.
    /// </summary>
    public static string? StreamOf(string shard)
    {
        if (PersistenceStreams.Data.Contains(shard))
        {
            return shard;
        }

        var suffix = shard.IndexOf("}:", StringComparison.Ordinal);
        return shard.StartsWith("{persistence:s", StringComparison.Ordinal) && suffix > 0
            ? Sharded.FirstOrDefault(s => s.EndsWith(shard[(suffix + 1)..], StringComparison.Ordinal))
            : null;
    }

    /// <summary>Present on a shard a switch has closed: appends to it are refused, in the shard's own slot.</summary>
    public static string SealKey(string stream) => stream + ":sealed";
}
