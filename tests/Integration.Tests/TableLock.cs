using System.Data.Common;
using MySqlConnector;
using Npgsql;
using Persistence.Contracts;

namespace Integration.Tests;

/// <summary>
/// A write lock on one table, as a slow or hung database would hold it, released on dispose however the test ends.
/// The connection is not pooled: a pooled MySQL one keeps LOCK TABLES until it is next reused, and a failed assertion
/// would leave the table locked under every later test of the stack. PostgreSQL holds its lock in an open transaction.
/// </summary>
public sealed class TableLock : IAsyncDisposable
{
    private readonly DbConnection _connection;
    private readonly string _release;
    private bool _released;

    private TableLock(DbConnection connection, string release) => (_connection, _release) = (connection, release);

    public static async Task<TableLock> TakeAsync(StackFixture stack, string table)
    {
        var postgres = stack.Backend == StorageBackends.PostgreSql;
        DbConnection connection = postgres
            ? new NpgsqlConnection(new NpgsqlConnectionStringBuilder(stack.DatabaseConnectionString) { Pooling = false }.ConnectionString)
            : new MySqlConnection(new MySqlConnectionStringBuilder(stack.DatabaseConnectionString) { Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        await StorageSql.ExecuteAsync(connection, postgres ? $"BEGIN; LOCK TABLE {table} IN EXCLUSIVE MODE" : $"LOCK TABLES {table} WRITE");
        return new TableLock(connection, postgres ? "COMMIT" : "UNLOCK TABLES");
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
            await StorageSql.ExecuteAsync(_connection, _release);
        }
        finally
        {
            await _connection.DisposeAsync();
        }
    }
}
