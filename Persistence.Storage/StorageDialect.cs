namespace Persistence.Storage;

/// <summary>
/// What one backend does differently from the others, for the code that is otherwise the same on each: how its
/// failures read, and the few SQL fragments that have no common spelling. Statements whose whole shape differs (the
/// flush's upsert, the migration scripts) live beside the code that runs them, one per backend.
/// </summary>
public abstract class StorageDialect
{
    /// <summary>The backend's name, as <see cref="Persistence.Contracts.StorageBackends"/> spells it.</summary>
    public abstract string Backend { get; }

    /// <summary>The product's name, for messages people read.</summary>
    public abstract string DisplayName { get; }

    /// <summary>The time <paramref name="seconds"/> (an integer expression) after <paramref name="timestamp"/>.</summary>
    public abstract string PlusSeconds(string timestamp, string seconds);

    /// <summary>The time <paramref name="microseconds"/> (an integer expression) after <paramref name="timestamp"/>.</summary>
    public abstract string PlusMicroseconds(string timestamp, string microseconds);

    /// <summary>
    /// The clause that ends an INSERT whose rows may collide with the unique <paramref name="key"/> (its columns,
    /// comma-separated): a colliding row gets <paramref name="assignments"/>, or stays as it is when they are null.
    /// The assignments name the new row's values through <see cref="Inserted"/> and the stored row's by
    /// <c>table.column</c> (PostgreSQL finds a bare column name ambiguous there).
    /// </summary>
    public abstract string OnDuplicateKey(string key, string? assignments);

    /// <summary>The value of <paramref name="column"/> in the row an INSERT tried to add, inside <see cref="OnDuplicateKey"/>.</summary>
    public abstract string Inserted(string column);

    /// <summary>
    /// The database is away, timing out, or its schema not migrated yet: the same statement will work later, so a
    /// read answers 503 and a write retries.
    /// </summary>
    public abstract bool IsUnavailable(Exception exception);

    /// <summary>The server cannot be reached or timed out: nothing about the statement itself is wrong.</summary>
    public abstract bool IsUnreachable(Exception exception);

    /// <summary>
    /// The database refused the values themselves (too long, not JSON, a broken constraint), or would have
    /// (<see cref="RejectedValueException"/>): it would refuse them forever.
    /// </summary>
    public bool IsRejectedData(Exception exception) => exception is RejectedValueException || RefusesData(exception);

    /// <summary>The backend's own errors that <see cref="IsRejectedData"/> covers.</summary>
    protected abstract bool RefusesData(Exception exception);

    /// <summary>A condition: the JSON array in <paramref name="column"/> holds the string parameter <paramref name="parameter"/>.</summary>
    public abstract string JsonArrayContains(string column, string parameter);

    /// <summary>An expression for the current UTC time to the microsecond, comparable with the tables' timestamps.</summary>
    public abstract string UtcNow { get; }

    /// <summary>
    /// A scalar statement taking the lock named by <c>@name</c> for the session without waiting, true (or 1) when
    /// taken. The lock ends with the session or <see cref="UnlockSql"/>.
    /// </summary>
    public abstract string TryLockSql { get; }

    public abstract string UnlockSql { get; }

    /// <summary>The schema the application's tables live in (MySQL calls it the database), as <c>information_schema</c> names it.</summary>
    public abstract string CurrentSchema { get; }

    /// <summary>A name read back from the catalog, quoted to stand for a table in a statement.</summary>
    public abstract string QuoteIdentifier(string name);

    /// <summary>
    /// Deletes at most <paramref name="limit"/> rows of <paramref name="table"/> matching <paramref name="condition"/>,
    /// in the order of <paramref name="orderBy"/> when given, so a large deletion runs in chunks that commit on their own.
    /// </summary>
    public abstract string DeleteChunk(string table, string key, string condition, string limit, string? orderBy = null);
}
