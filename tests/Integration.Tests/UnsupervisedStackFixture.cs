using AppHost;

namespace Integration.Tests;

/// <summary>
/// A stack no supervisor restarts (<c>--no-restart</c>): a process a test stops or kills stays down until the test
/// starts it again. One API replica behind one gateway, so stopping the gateway cuts every client off; two workers on
/// one shard with one flusher each, so a worker's resource name is its only consumer's name; the production claim idle
/// time, few deliveries before an entry counts as poison, and a short drain.
/// </summary>
public sealed class UnsupervisedStackFixture : StackFixture
{
    public const int MaxDeliveries = 3;
    public const int DrainTimeoutMs = 3000;

    protected override IEnumerable<string> StackArguments =>
    [
        "--replicas", "1",
        "--workers", "2",
        "--gateways", "1",
        "--no-restart",
        "--shards", "1",
        "--worker-setting", "Flush__FlushersPerStream=1",
        "--worker-setting", $"Flush__MaxDeliveries={MaxDeliveries}",
        "--worker-setting", $"Flush__DrainTimeoutMs={DrainTimeoutMs}",
        .. StackOptions.DefaultKeyRateLimits(requestsPerSecond: 10_000, requestBurst: 20_000, recordsPerSecond: 1_000_000, recordBurst: 2_000_000),
    ];
}

[CollectionDefinition(Name)]
public sealed class UnsupervisedStackDefinition : ICollectionFixture<UnsupervisedStackFixture>
{
    public const string Name = "unsupervised stack";
}
