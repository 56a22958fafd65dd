using System.Data.Common;
using System.Globalization;
using System.Text;

namespace Persistence.Storage;

/// <summary>Parameters through the driver-neutral API: both drivers read <c>@name</c> placeholders in the text.</summary>
public static class CommandParameters
{
    /// <summary>
    /// Adds one parameter. A <see cref="DateTime"/> must be UTC: MySQL would store any other as it is and PostgreSQL
    /// refuse it, so a zone mistake fails here, on either backend, instead of only on one.
    /// </summary>
    public static DbCommand AddParameter(this DbCommand command, string name, object? value)
    {
        if (value is DateTime { Kind: not DateTimeKind.Utc })
        {
            throw new ArgumentException($"{name} must be a UTC DateTime; the backends would read it differently.", nameof(value));
        }

        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value ?? DBNull.Value;
        command.Parameters.Add(parameter);
        return command;
    }

    /// <summary>Adds <c>@{prefix}{i}</c> for each value and returns the placeholders, comma-separated, for an <c>IN (…)</c> list.</summary>
    public static string AddList(this DbCommand command, string prefix, IReadOnlyList<string> values)
    {
        var placeholders = new StringBuilder(values.Count * (prefix.Length + 4));
        for (var i = 0; i < values.Count; i++)
        {
            var name = string.Create(CultureInfo.InvariantCulture, $"@{prefix}{i}");
            placeholders.Append(i == 0 ? "" : ", ").Append(name);
            command.AddParameter(name, values[i]);
        }

        return placeholders.ToString();
    }
}
