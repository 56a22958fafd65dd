using MySqlConnector;

namespace Integration.Tests;

/// <summary>
/// A write lock on one table, as a slow or hung MySQL would hold it, released on dispose however the test ends. The
/// connection is not pooled: a pooled one keeps LOCK TABLES until it is next reused, and a failed assertion would leave
/// the table locked under every later test of the stack.
/// </summary>
public sealed class TableLock : IAsyncDisposable
{
    private readonly MySqlConnection _connection;
    private bool _released;

    private TableLock(MySqlConnection connection) => _connection = connection;

    public static async Task<TableLock> TakeAsync(StackFixture stack, string table)
    {
        var connection = new MySqlConnection(new MySqlConnectionStringBuilder(stack.DatabaseConnectionString) { Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        await new MySqlCommand($"LOCK TABLES {table} WRITE", connection).ExecuteNonQueryAsync();
        return new TableLock(connection);
    }

    /// <summary>Releases the lock; a second call does nothing, so a test may release early and still dispose.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_released)
        {
            return;
        }

        _released = true;
        try
        {
            await new MySqlCommand("UNLOCK TABLES", _connection).ExecuteNonQueryAsync();
        }
        finally
        {
            await _connection.DisposeAsync();
        }
    }
}
