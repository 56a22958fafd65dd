using Microsoft.Extensions.Logging.Abstractions;
using MySqlConnector;
using Persistence.Contracts;
using Persistence.Storage.MySql;
using Translation.Worker.Migrations;

namespace Integration.Tests;

[Collection(StackDefinition.Name)]
public sealed class MigrationTests(StackFixture stack)
{
    [Fact]
    public async Task A_failing_migration_is_reported_and_not_recorded_and_runs_again_once_fixed()
    {
        var version = 9000 + Random.Shared.Next(0, 999);
        var table = $"it_migration_{version}";
        await using var dataSource = new MySqlDataSource(stack.DatabaseConnectionString);
        var embedded = Migration.LoadEmbedded(StorageBackends.MySql);
        // The first statement succeeds and (being DDL) commits; the second is refused.
        var broken = new Migration(version, "broken", $"CREATE TABLE IF NOT EXISTS {table} (id INT); INSERT INTO {table} VALUES (", "broken");
        var runner = new MigrationRunner(dataSource, new MySqlDialect(), NullLogger<MigrationRunner>.Instance, [.. embedded, broken]);

        try
        {
            var failure = await Assert.ThrowsAsync<MigrationFailedException>(() => runner.ApplyPendingAsync(CancellationToken.None));
            Assert.Contains($"{version:D4}_broken", failure.Message, StringComparison.Ordinal);
            var state = Assert.Single(await runner.ReadStatusAsync(CancellationToken.None), s => s.Migration.Version == version);
            Assert.Null(state.AppliedAt);

            var fixedScript = new Migration(version, "broken", $"CREATE TABLE IF NOT EXISTS {table} (id INT); INSERT INTO {table} VALUES (1);", "fixed");
            var fixedRunner = new MigrationRunner(dataSource, new MySqlDialect(), NullLogger<MigrationRunner>.Instance, [.. embedded, fixedScript]);
            Assert.Equal(1, await fixedRunner.ApplyPendingAsync(CancellationToken.None));
            Assert.NotNull(Assert.Single(await fixedRunner.ReadStatusAsync(CancellationToken.None), s => s.Migration.Version == version).AppliedAt);
        }
        finally
        {
            await using var connection = await dataSource.OpenConnectionAsync();
            await using var cleanup = new MySqlCommand($"DROP TABLE IF EXISTS {table}; DELETE FROM schema_migrations WHERE version = {version};", connection);
            await cleanup.ExecuteNonQueryAsync();
        }
    }
}
