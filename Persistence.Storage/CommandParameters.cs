using System.Data.Common;
using System.Globalization;
using System.Text;

namespace Persistence.Storage;

/// <summary>
/// Parameters that read the same on every backend. Both drivers take <c>@name</c> in the command text (Npgsql
/// rewrites it to its positional form).
/// </summary>
public static class CommandParameters
{
    /// <summary>
    /// Adds <paramref name="name"/>; null is sent as SQL NULL (Npgsql refuses a parameter without a value). A
    /// <see cref="DateTime"/> must be UTC: Npgsql sends only those as timestamptz, and MySQL's columns hold UTC.
    /// </summary>
    public static DbParameter AddParameter(this DbCommand command, string name, object? value)
    {
        if (value is DateTime { Kind: not DateTimeKind.Utc })
        {
            throw new ArgumentException($"{name} must be a UTC DateTime; the backends would read it differently.", nameof(value));
        }

        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value ?? DBNull.Value;
        command.Parameters.Add(parameter);
        return parameter;
    }

    /// <summary>Adds <c>@{prefix}0</c>, <c>@{prefix}1</c>, … for the values and returns them comma-separated, for an IN list.</summary>
    public static string AddParameters(this DbCommand command, string prefix, IEnumerable<string> values)
    {
        var names = new StringBuilder();
        var i = 0;
        foreach (var value in values)
        {
            var name = string.Create(CultureInfo.InvariantCulture, $"@{prefix}{i++}");
            names.Append(names.Length == 0 ? "" : ", ").Append(name);
            command.AddParameter(name, value);
        }

        return names.ToString();
    }
}
