using AppHost.Hosting;
using MySqlConnector;

namespace Integration.Tests;

/// <summary>The stack's MariaDB runs with the settings docs/mariadb.md describes, durability first.</summary>
[Collection(StackDefinition.Name)]
public sealed class DatabaseTuningTests(StackFixture stack)
{
    [Fact]
    public async Task The_running_server_flushes_the_log_at_every_commit_and_has_the_configured_buffer_pool()
    {
        await using var db = stack.OpenDatabase();
        await using var command = new MySqlCommand(
            "SELECT @@innodb_flush_log_at_trx_commit, @@innodb_buffer_pool_size, @@innodb_flush_method, @@innodb_log_file_size, @@innodb_doublewrite",
            db);
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());

        Assert.Equal(1, Convert.ToInt32(reader.GetValue(0), System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(Bytes(DatabaseTuning.DefaultBufferPool), reader.GetInt64(1));
        Assert.Equal("O_DIRECT", reader.GetString(2));
        Assert.Equal(Bytes(DatabaseTuning.RedoLog), reader.GetInt64(3));
        Assert.Equal(1, Convert.ToInt32(reader.GetValue(4), System.Globalization.CultureInfo.InvariantCulture));
    }

    private static long Bytes(string size) => long.Parse(size[..^1], System.Globalization.CultureInfo.InvariantCulture) * (size[^1] switch
    {
        'K' => 1L << 10,
        'M' => 1L << 20,
        'G' => 1L << 30,
        _ => throw new ArgumentException($"No unit in {size}."),
    });
}
