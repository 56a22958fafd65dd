using System.Globalization;
using StackExchange.Redis;

namespace Persistence.Api.Pipeline;

/// <summary>
/// Reads one of the workers' counters in the stats hash. A field the workers have not written yet, or one holding
/// anything but a count, reads as zero: the counters are best effort and a reader must not fail on them.
/// </summary>
internal static class StatsCounter
{
    public static long Parse(RedisValue value) =>
        long.TryParse(value.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var count) ? count : 0;
}
