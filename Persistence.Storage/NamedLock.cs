using System.Data.Common;
using System.Globalization;

namespace Persistence.Storage;

/// <summary>
/// A lock by name, held by one database session: the jobs every replica schedules (garbage collection, backups) take
/// it without waiting, so one replica does the work and the others skip it. It ends with the session if not before.
/// </summary>
public static class NamedLock
{
    public static Task<bool> TryTakeAsync(DbConnection connection, StorageDialect dialect, string name, CancellationToken cancellationToken) =>
        RunAsync(connection, dialect.TryLockSql, name, cancellationToken);

    public static Task ReleaseAsync(DbConnection connection, StorageDialect dialect, string name) =>
        RunAsync(connection, dialect.UnlockSql, name, CancellationToken.None);

    private static async Task<bool> RunAsync(DbConnection connection, string sql, string name, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.AddParameter("@name", name);
        return Convert.ToBoolean(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
    }
}
