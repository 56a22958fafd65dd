using System.Data.Common;
using System.Globalization;
using Persistence.Storage;

namespace Integration.Tests;

/// <summary>Statements the contract tests run on either backend, in SQL both accept.</summary>
public static class StorageSql
{
    public static DbCommand Command(DbConnection db, string sql, params (string Name, object? Value)[] parameters)
    {
        var command = db.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.AddParameter(name, value);
        }

        return command;
    }

    public static async Task<long> CountAsync(DbConnection db, string sql, params (string Name, object? Value)[] parameters)
    {
        await using var command = Command(db, sql, parameters);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }

    public static async Task<int> ExecuteAsync(DbConnection db, string sql, params (string Name, object? Value)[] parameters)
    {
        await using var command = Command(db, sql, parameters);
        return await command.ExecuteNonQueryAsync();
    }
}
