namespace Integration.Tests.Client;

/// <summary>
/// A stack of its own, one of each process, for the buffered writer's failure tests: one stops its only gateway, the
/// other throttles a key of its own; they run one after the other on it, so one extra stack serves both.
/// </summary>
public sealed class ClientWriterStackFixture : StackFixture
{
    protected override IEnumerable<string> StackArguments =>
    [
        "--replicas", "1", "--workers", "1", "--gateways", "1",
        // Stopped on purpose: the supervisor must not bring it back before the test does.
        "--no-restart",
    ];
}

[CollectionDefinition(Name)]
public sealed class ClientWriterStackDefinition : ICollectionFixture<ClientWriterStackFixture>
{
    public const string Name = "client writer stack";
}
