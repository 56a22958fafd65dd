using Persistence.Contracts;

namespace Integration.Tests;

/// <summary>
/// The shared stack's command line on PostgreSQL (<c>--database postgres</c>): the storage contract tests run on it as
/// they run on MariaDB, so each backend answers to the same assertions.
/// </summary>
public sealed class PostgresStackFixture : StackFixture
{
    public override string Backend => StorageBackends.PostgreSql;

    protected override IEnumerable<string> StackArguments => [.. Arguments, "--database", StorageBackends.PostgreSql];
}

[CollectionDefinition(Name)]
public sealed class PostgresStackDefinition : ICollectionFixture<PostgresStackFixture>
{
    public const string Name = "stack on postgres";
}
