using System.Data.Common;
using Persistence.Storage;

namespace Translation.Worker.Migrations;

/// <summary>
/// The table of applied migrations and the lock that lets one instance at a time apply them, in one backend's SQL.
/// The statements take <c>@version</c>, <c>@name</c> and <c>@checksum</c> where they record a migration.
/// </summary>
public abstract class SchemaHistory
{
    /// <summary>How long an instance waits for another to finish migrating before it gives up and retries.</summary>
    protected static readonly TimeSpan LockTimeout = TimeSpan.FromSeconds(120);

    public abstract string CreateTableSql { get; }

    /// <summary>A scalar, 0 while the history table does not exist.</summary>
    public abstract string TableExistsSql { get; }

    public abstract string RecordSql { get; }


    /// <summary>Takes the migration lock for this session; false when another instance held it past <see cref="LockTimeout"/>.</summary>
    public abstract Task<bool> LockAsync(DbConnection connection, CancellationToken cancellationToken);

    public abstract Task UnlockAsync(DbConnection connection);

    protected static async Task<object?> ScalarAsync(DbConnection connection, string sql, string parameter, object value, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.AddParameter(parameter, value);
        return await command.ExecuteScalarAsync(cancellationToken);
    }
}
