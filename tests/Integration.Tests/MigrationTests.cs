using Microsoft.Extensions.Logging.Abstractions;
using Translation.Worker.Migrations;

namespace Integration.Tests;

public abstract class MigrationTests(StackFixture stack)
{
    [Fact]
    public async Task A_failing_migration_is_reported_and_not_recorded_and_runs_again_once_fixed()
    {
        var version = 9000 + Random.Shared.Next(0, 999);
        var table = $"it_migration_{version}";
        await using var dataSource = stack.CreateDataSource();
        var embedded = Migration.LoadEmbedded(stack.Backend);
        // The first statement succeeds (and on MySQL, being DDL, commits); the second is refused.
        var broken = new Migration(version, "broken", $"CREATE TABLE IF NOT EXISTS {table} (id INT); INSERT INTO {table} VALUES (", "broken");
        var runner = new MigrationRunner(dataSource, stack.Dialect, NullLogger<MigrationRunner>.Instance, [.. embedded, broken]);

        try
        {
            var failure = await Assert.ThrowsAsync<MigrationFailedException>(() => runner.ApplyPendingAsync(CancellationToken.None));
            Assert.Contains($"{version:D4}_broken", failure.Message, StringComparison.Ordinal);
            var state = Assert.Single(await runner.ReadStatusAsync(CancellationToken.None), s => s.Migration.Version == version);
            Assert.Null(state.AppliedAt);

            var fixedScript = new Migration(version, "broken", $"CREATE TABLE IF NOT EXISTS {table} (id INT); INSERT INTO {table} VALUES (1);", "fixed");
            var fixedRunner = new MigrationRunner(dataSource, stack.Dialect, NullLogger<MigrationRunner>.Instance, [.. embedded, fixedScript]);
            Assert.Equal(1, await fixedRunner.ApplyPendingAsync(CancellationToken.None));
            Assert.NotNull(Assert.Single(await fixedRunner.ReadStatusAsync(CancellationToken.None), s => s.Migration.Version == version).AppliedAt);
        }
        finally
        {
            await using var connection = await dataSource.OpenConnectionAsync();
            await StorageSql.ExecuteAsync(connection, $"DROP TABLE IF EXISTS {table}; DELETE FROM schema_migrations WHERE version = {version};");
        }
    }
}

[Collection(StackDefinition.Name)]
public sealed class MigrationTestsOnMySql(StackFixture stack) : MigrationTests(stack);

[Collection(PostgresStackDefinition.Name)]
public sealed class MigrationTestsOnPostgres(PostgresStackFixture stack) : MigrationTests(stack);
