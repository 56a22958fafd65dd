using System.Globalization;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;

namespace Translation.Worker.Migrations;

/// <summary>One versioned SQL script, embedded from <c>Migrations/&lt;Backend&gt;/NNNN_name.sql</c>.</summary>
public sealed record Migration(int Version, string Name, string Sql, string Checksum)
{
    private const string ResourcePrefix = "Migrations.";

    /// <summary>The embedded migrations of one backend (<see cref="Persistence.Contracts.StorageBackends"/>) in version order.</summary>
    public static IReadOnlyList<Migration> LoadEmbedded(string backend)
    {
        var assembly = typeof(Migration).Assembly;
        var prefix = $"{ResourcePrefix}{backend}.";
        return assembly.GetManifestResourceNames()
            .Where(name => name.StartsWith(prefix, StringComparison.Ordinal) && name.EndsWith(".sql", StringComparison.Ordinal))
            .Select(name => Load(assembly, name, prefix))
            .OrderBy(m => m.Version)
            .ToList();
    }

    private static Migration Load(Assembly assembly, string resourceName, string prefix)
    {
        var fileName = resourceName[prefix.Length..^".sql".Length];
        var separator = fileName.IndexOf('_', StringComparison.Ordinal);
        if (separator <= 0 || !int.TryParse(fileName.AsSpan(0, separator), NumberStyles.None, CultureInfo.InvariantCulture, out var version))
        {
            throw new InvalidOperationException($"Migration '{resourceName}' must be named NNNN_description.sql.");
        }

        using var stream = assembly.GetManifestResourceStream(resourceName)!;
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var sql = reader.ReadToEnd();
        var checksum = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(sql)));
        return new Migration(version, fileName[(separator + 1)..], sql, checksum);
    }
}
