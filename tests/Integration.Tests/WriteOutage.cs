using MySqlConnector;

namespace Integration.Tests;

/// <summary>
/// MySQL refusing writes for as long as this lives, as a primary turned read-only during a fail-over or a full disk
/// would: a trigger per table fails every insert, so the rest of the database (migrations, health checks) is unaffected.
/// </summary>
public sealed class WriteOutage : IAsyncDisposable
{
    private readonly string _connectionString;
    private readonly IReadOnlyList<string> _tables;

    private WriteOutage(string connectionString, IReadOnlyList<string> tables) => (_connectionString, _tables) = (connectionString, tables);

    public static async Task<WriteOutage> BeginAsync(string connectionString, params string[] tables)
    {
        var outage = new WriteOutage(connectionString, tables);
        await outage.RunAsync(table =>
            $"CREATE TRIGGER {Name(table)} BEFORE INSERT ON {table} FOR EACH ROW SIGNAL SQLSTATE 'HY000' SET MESSAGE_TEXT = 'write outage (test)'");
        return outage;
    }

    public async ValueTask DisposeAsync() => await RunAsync(table => $"DROP TRIGGER IF EXISTS {Name(table)}");

    private async Task RunAsync(Func<string, string> statement)
    {
        await using var connection = new MySqlConnection(_connectionString);
        await connection.OpenAsync();
        foreach (var table in _tables)
        {
            await using var command = new MySqlCommand(statement(table), connection);
            await command.ExecuteNonQueryAsync();
        }
    }

    private static string Name(string table) => "refuse_writes_" + table;
}
