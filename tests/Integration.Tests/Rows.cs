using MySqlConnector;

namespace Integration.Tests;

/// <summary>What really landed in MySQL, read directly.</summary>
public static class Rows
{
    /// <summary>Rows whose key starts with one test's prefix.</summary>
    public static async Task<long> CountAsync(MySqlConnection db, string table, string key, string prefix)
    {
        await using var command = new MySqlCommand($"SELECT COUNT(*) FROM {table} WHERE {key} LIKE CONCAT(@prefix, '-%')", db);
        command.Parameters.AddWithValue("@prefix", prefix);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
