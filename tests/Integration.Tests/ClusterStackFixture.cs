using AppHost;

namespace Integration.Tests;

/// <summary>
/// The stack on a Redis Cluster of three masters (<c>--redis-cluster 3</c>) instead of the single Redis: two API
/// replicas, two workers with one consumer each (so a worker's name is its consumer's, as the kill test follows it)
/// and one gateway. Its tests kill processes, so it is a stack of its own.
/// </summary>
public sealed class ClusterStackFixture : StackFixture
{
    public const int Masters = 3;

    protected override IEnumerable<string> StackArguments =>
    [
        "--redis-cluster", Masters.ToString(System.Globalization.CultureInfo.InvariantCulture),
        "--replicas", "2",
        "--workers", "2",
        "--gateways", "1",
        // Four shards' hash tags fall on all three masters' slot ranges (two share one), so every master takes entries.
        "--shards", "4",
        "--worker-setting", "Flush__FlushersPerStream=1",
        // Take over a dead worker's entries within seconds rather than the production default of 30 s.
        "--worker-setting", "Flush__ClaimIdleTimeMs=1500",
        "--worker-setting", "Flush__ClaimIntervalMs=500",
        // The tests read entries back from the streams after the workers flushed them.
        "--worker-setting", "Flush__TrimIntervalMs=600000",
        "--api-setting", "Backpressure__RefreshIntervalMs=100",
        .. StackOptions.DefaultKeyRateLimits(requestsPerSecond: 10_000, requestBurst: 20_000, recordsPerSecond: 1_000_000, recordBurst: 2_000_000),
    ];
}

[CollectionDefinition(Name)]
public sealed class ClusterStackDefinition : ICollectionFixture<ClusterStackFixture>
{
    public const string Name = "redis cluster stack";
}
