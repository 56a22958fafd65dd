using System.Globalization;
using System.Text;

namespace Persistence.Client.Http;

/// <summary>Builds a relative URI with escaped query parameters, leaving out those without a value.</summary>
internal sealed class QueryString(string path)
{
    private readonly StringBuilder _text = new(path);
    private bool _hasQuery;

    public QueryString Add(string name, string? value)
    {
        if (value is null)
        {
            return this;
        }

        _text.Append(_hasQuery ? '&' : '?').Append(name).Append('=').Append(Uri.EscapeDataString(value));
        _hasQuery = true;
        return this;
    }

    public QueryString Add(string name, int? value) => Add(name, value?.ToString(CultureInfo.InvariantCulture));

    public QueryString Add(string name, DateTimeOffset? value) =>
        Add(name, value?.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture));

    public QueryString Add(string name, IReadOnlyCollection<string>? values) =>
        values is null || values.Count == 0 ? this : Add(name, string.Join(',', values));

    public QueryString Add(string name, ReadConsistency? consistency) =>
        Add(name, consistency switch
        {
            ReadConsistency.Strong => "strong",
            ReadConsistency.Eventual => "eventual",
            _ => null,
        });

    public static string Segment(string value) => Uri.EscapeDataString(value);

    public override string ToString() => _text.ToString();
}
