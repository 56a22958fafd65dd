using System.Text.Json;
using MySqlConnector;

namespace Persistence.Api.Queries;

/// <summary>Column readers for the shapes the translation tables use.</summary>
internal static class Rows
{
    public static string? String(MySqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    public static int? Int(MySqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetInt32(ordinal);

    /// <summary>DATETIME(6) columns hold UTC (the worker writes <c>UtcDateTime</c>).</summary>
    public static DateTimeOffset Timestamp(MySqlDataReader reader, int ordinal) =>
        new(DateTime.SpecifyKind(reader.GetDateTime(ordinal), DateTimeKind.Utc));

    /// <summary>A JSON column, readable even where it holds a lone surrogate escape (<see cref="StoredJson"/>).</summary>
    public static JsonElement? Json(MySqlDataReader reader, int ordinal)
    {
        if (reader.IsDBNull(ordinal))
        {
            return null;
        }

        using var document = JsonDocument.Parse(StoredJson.Readable(reader.GetString(ordinal)));
        return document.RootElement.Clone();
    }

    /// <summary>Adds <c>@{prefix}{i}</c> for each value and returns the placeholders, comma-separated.</summary>
    public static string AddList(MySqlCommand command, string prefix, IReadOnlyList<string> values)
    {
        var names = new string[values.Count];
        for (var i = 0; i < values.Count; i++)
        {
            names[i] = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"@{prefix}{i}");
            command.Parameters.AddWithValue(names[i], values[i]);
        }

        return string.Join(", ", names);
    }
}
