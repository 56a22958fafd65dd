using System.Globalization;
using Persistence.Api.Ingest;
using Persistence.Contracts;

namespace Persistence.Api.Http;

/// <summary>
/// The one way a route reads its query string: every value is taken as text and checked here, so a bad one is a 400
/// naming its parameter (never a binding failure), and every problem is collected rather than only the first. Which
/// parameters a route takes at all is the route's <c>AcceptsQuery</c> metadata; a handler declares a
/// <see cref="QueryReader"/> parameter and binds it like any other.
/// </summary>
public sealed class QueryReader(IQueryCollection query, List<FieldError>? errors = null)
{
    public List<FieldError> Errors { get; } = errors ?? [];

    public bool IsValid => Errors.Count == 0;

    public static ValueTask<QueryReader?> BindAsync(HttpContext context) => ValueTask.FromResult<QueryReader?>(new(context.Request.Query));

    /// <summary>The parameter's one value, or null when absent; given twice or empty is a problem.</summary>
    public string? Text(string name)
    {
        var values = query[name];
        if (values.Count > 1)
        {
            Errors.Add(new(null, name, "must be given at most once"));
            return null;
        }

        if (values is [{ Length: 0 }])
        {
            Errors.Add(new(null, name, "must not be empty"));
            return null;
        }

        return values.Count == 1 ? values[0] : null;
    }

    /// <summary>The first of <paramref name="names"/> given (a current name, then deprecated spellings), and which it was.</summary>
    public (string? Value, string Name) FirstOf(params string[] names)
    {
        foreach (var name in names)
        {
            if (Text(name) is { } value)
            {
                return (value, name);
            }
        }

        return (null, names[0]);
    }

    public string? Language(string name) => Language(Text(name), name);

    public string? Language(string? value, string name)
    {
        if (value is not null && !RecordValidator.IsLanguageTag(value))
        {
            Errors.Add(new(null, name, "must be a BCP 47 language tag such as en, zh-CN or pt-BR"));
            return null;
        }

        return value;
    }

    public string? Choice(string name, IReadOnlyCollection<string> choices)
    {
        var value = Text(name);
        if (value is not null && !choices.Contains(value, StringComparer.Ordinal))
        {
            Errors.Add(new(null, name, $"must be one of: {string.Join(", ", choices)}"));
            return null;
        }

        return value;
    }

    /// <summary>Comma-separated or repeated values, each one of <paramref name="allowed"/>, without repeats.</summary>
    public List<string> Choices(string name, IReadOnlySet<string> allowed)
    {
        var chosen = new List<string>();
        foreach (var value in query[name])
        {
            foreach (var item in (value ?? "").Split(',', StringSplitOptions.TrimEntries))
            {
                if (!allowed.Contains(item))
                {
                    Errors.Add(new(null, name, $"'{item}' is not one of: {string.Join(", ", allowed)}"));
                }
                else if (!chosen.Contains(item))
                {
                    chosen.Add(item);
                }
            }
        }

        return chosen;
    }

    /// <summary><c>true</c>, <c>1</c> or given without a value; <c>false</c> or <c>0</c>; absent is <paramref name="fallback"/>.</summary>
    public bool Flag(string name, bool fallback = false)
    {
        var values = query[name];
        switch (values.Count)
        {
            case 0:
                return fallback;
            case > 1:
                Errors.Add(new(null, name, "must be given at most once"));
                return fallback;
        }

        switch (values[0])
        {
            case "" or "true" or "1":
                return true;
            case "false" or "0":
                return false;
            default:
                Errors.Add(new(null, name, "must be true or false"));
                return fallback;
        }
    }

    public DateTime? Timestamp(string name)
    {
        if (Text(name) is not { } text)
        {
            return null;
        }

        // An unencoded '+' in a query string arrives as a space; the offset is still unambiguous.
        if (text.Length > 6 && text[^6] == ' ')
        {
            text = string.Concat(text.AsSpan(0, text.Length - 6), "+", text.AsSpan(text.Length - 5));
        }

        if (!Rfc3339TimestampConverter.TryParse(text, out var value) || value.Year < 1970)
        {
            Errors.Add(new(null, name, "must be an RFC 3339 timestamp with offset, e.g. 2026-01-31T12:00:00Z"));
            return null;
        }

        return value.UtcDateTime;
    }

    public int? Number(string name, int min, int max) => Number(Text(name), name, min, max);

    public int? Number(string? text, string name, int min, int max)
    {
        if (text is null)
        {
            return null;
        }

        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
        {
            Errors.Add(new(null, name, $"must be an integer from {min} to {max}"));
            return null;
        }

        return value;
    }

    /// <summary><c>page_size</c> (or a deprecated spelling of it), from 1 to <paramref name="max"/>; absent is <paramref name="fallback"/>.</summary>
    public int PageSize(int fallback, int max, params string[] deprecatedNames)
    {
        var (text, name) = FirstOf([QueryParameters.PageSize, .. deprecatedNames]);
        return Number(text, name, 1, max) ?? fallback;
    }

    /// <summary>An identifier: bounded, without control characters.</summary>
    public string? Id(string name)
    {
        var value = Text(name);
        if (value is not null && (value.Length > RecordValidator.MaxIdLength || value.Any(char.IsControl)))
        {
            Errors.Add(new(null, name, $"must be at most {RecordValidator.MaxIdLength} characters without control characters"));
            return null;
        }

        return value;
    }
}
