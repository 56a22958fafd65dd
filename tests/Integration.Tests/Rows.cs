using System.Data.Common;

namespace Integration.Tests;

/// <summary>What really landed in the database, read directly.</summary>
public static class Rows
{
    /// <summary>Rows whose key starts with one test's prefix.</summary>
    public static Task<long> CountAsync(DbConnection db, string table, string key, string prefix) =>
        StorageSql.CountAsync(db, $"SELECT COUNT(*) FROM {table} WHERE {key} LIKE CONCAT(@prefix, '-%')", ("@prefix", prefix));
}
