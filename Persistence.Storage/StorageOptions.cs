using Microsoft.Extensions.Configuration;
using Persistence.Contracts;

namespace Persistence.Storage;

/// <summary>Which database each collection lives in (<c>Storage:</c>).</summary>
public sealed class StorageOptions
{
    public const string SectionName = "Storage";

    /// <summary>The backend of every collection <see cref="Collections"/> does not name: <c>mysql</c> (the default) or <c>postgres</c>.</summary>
    public string Backend { get; set; } = StorageBackends.MySql;

    /// <summary>Per-collection routes (<c>Storage:Collections:tasks = postgres</c>), overriding <see cref="Backend"/>.</summary>
    public Dictionary<string, string> Collections { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The routes as configured, for registration code that must know the backend before the container is built.</summary>
    public static StorageOptions Read(IConfiguration configuration) =>
        configuration.GetSection(SectionName).Get<StorageOptions>() ?? new StorageOptions();

    public string BackendOf(string collection) => Collections.TryGetValue(collection, out var backend) ? backend : Backend;

    /// <summary>Every reason the routes cannot run, each naming the setting to change.</summary>
    public IEnumerable<string> Problems()
    {
        if (!StorageBackends.All.Contains(Backend))
        {
            yield return $"Storage:Backend is '{Backend}'; known backends: {string.Join(", ", StorageBackends.All)}.";
        }

        foreach (var (collection, backend) in Collections)
        {
            if (!StorageCollections.All.Contains(collection))
            {
                yield return $"Storage:Collections:{collection} names an unknown collection; known collections: {string.Join(", ", StorageCollections.All)}.";
            }
            else if (!StorageBackends.All.Contains(backend))
            {
                yield return $"Storage:Collections:{collection} is '{backend}'; known backends: {string.Join(", ", StorageBackends.All)}.";
            }
        }

        // The session reads count a session's tasks, recovery restores both in one transaction, and every process
        // holds one database connection string: collections on two databases would need two of each.
        var used = StorageCollections.All.Select(BackendOf).Distinct(StringComparer.Ordinal).ToList();
        if (used.Count > 1)
        {
            yield return "Storage:Collections routes collections to more than one backend ("
                + string.Join(", ", StorageCollections.All.Select(c => $"{c} = {BackendOf(c)}"))
                + "); every collection must be on the same database, which ConnectionStrings names.";
        }
    }
}
