namespace Persistence.Contracts;

/// <summary>
/// The databases the platform can keep its tables in, by the names configuration uses: the services read
/// <see cref="SettingKey"/>, and the AppHost's <c>--database</c> option takes the same names.
/// </summary>
public static class StorageBackends
{
    /// <summary>MySQL or MariaDB (MariaDB in the local stack): the default.</summary>
    public const string MySql = "mysql";

    /// <summary>PostgreSQL 15 or later.</summary>
    public const string PostgreSql = "postgres";

    /// <summary>The configuration key naming the backend of every collection not routed elsewhere.</summary>
    public const string SettingKey = "Storage:Backend";

    public static IReadOnlyList<string> All { get; } = [MySql, PostgreSql];
}
