using System.Data.Common;
using System.Text.Json;

namespace Persistence.Api.Queries;

/// <summary>Column readers for the shapes the translation tables use, and parameters, the same on every backend.</summary>
internal static class Rows
{
    public static string? String(DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    public static int? Int(DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetInt32(ordinal);

    /// <summary>
    /// The timestamps hold UTC: MySQL's DATETIME(6) has no zone (the worker writes <c>UtcDateTime</c>) and reads back
    /// unspecified; PostgreSQL's timestamptz reads back as UTC already.
    /// </summary>
    public static DateTimeOffset Timestamp(DbDataReader reader, int ordinal) =>
        new(DateTime.SpecifyKind(reader.GetDateTime(ordinal), DateTimeKind.Utc));

    /// <summary>A JSON column (JSON or jsonb, text either way), readable even where it holds a lone surrogate escape (<see cref="StoredJson"/>).</summary>
    public static JsonElement? Json(DbDataReader reader, int ordinal)
    {
        if (reader.IsDBNull(ordinal))
        {
            return null;
        }

        using var document = JsonDocument.Parse(StoredJson.Readable(reader.GetString(ordinal)));
        return document.RootElement.Clone();
    }
}
