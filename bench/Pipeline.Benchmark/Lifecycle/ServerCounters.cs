using System.Globalization;
using MySqlConnector;

namespace Pipeline.Benchmark.Lifecycle;

/// <summary>
/// MariaDB's row counters (<c>SHOW GLOBAL STATUS</c>), whole-server: MariaDB 10.11 has no Innodb_rows_*.
/// <c>Handler_write</c> counts the rows a statement hands the engine to insert, a row whose key exists included (for
/// <c>INSERT … ON DUPLICATE KEY UPDATE</c> the insert is tried first); <c>Handler_update</c> counts the rows an update
/// changed, not those it found already equal (a guarded upsert of an older state changes nothing). Checked on MariaDB
/// 10.11.19: a new row is 1 + 0, a newer state of an existing row 1 + 1, an older one 1 + 0, three states of one new
/// key in one statement 3 + 2. Internal temporary tables count too: nothing next to a phase's millions.
/// </summary>
public sealed record ServerCounters(long HandlerWrite, long HandlerUpdate)
{
    public static async Task<ServerCounters> ReadAsync(string connectionString)
    {
        await using var connection = new MySqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new MySqlCommand("SHOW GLOBAL STATUS WHERE Variable_name IN ('Handler_write', 'Handler_update')", connection);
        var values = new Dictionary<string, long>(StringComparer.OrdinalIgnoreCase);
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                values[reader.GetString(0)] = long.Parse(reader.GetString(1), CultureInfo.InvariantCulture);
            }
        }

        return new ServerCounters(values["Handler_write"], values["Handler_update"]);
    }

    public static ServerCounters operator -(ServerCounters after, ServerCounters before) =>
        new(after.HandlerWrite - before.HandlerWrite, after.HandlerUpdate - before.HandlerUpdate);
}
