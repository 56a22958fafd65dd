namespace Persistence.Storage;

/// <summary>
/// The collections configuration routes to a backend (<c>Storage:Collections:&lt;collection&gt; = &lt;backend&gt;</c>), as
/// the architecture's registry names them.
/// </summary>
public static class StorageCollections
{
    public const string Sessions = "sessions";

    public const string Tasks = "tasks";

    /// <summary>The translation tables: contents, jobs, memory and the audit trail, which one transaction spans.</summary>
    public const string Translations = "translations";

    public static IReadOnlyList<string> All { get; } = [Sessions, Tasks, Translations];
}
