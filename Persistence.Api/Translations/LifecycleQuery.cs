using System.Globalization;
using Persistence.Api.Ingest;
using Persistence.Contracts;

namespace Persistence.Api.Translations;

/// <summary>
/// Reads the query string of a lifecycle route, collecting a problem per parameter (each naming it) rather than
/// stopping at the first. Parameters the route does not take never get here: the route's <c>AcceptsQuery</c>
/// filter refuses them first, as on every route.
/// </summary>
public sealed class LifecycleQuery
{
    public const string PageSize = "page_size";
    public const string Cursor = "cursor";
    public const string Lang = "target_lang";

    private readonly IQueryCollection _query;

    public LifecycleQuery(IQueryCollection query) => _query = query;

    public List<FieldError> Errors { get; } = [];

    public string? Text(string name)
    {
        var values = _query[name];
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

    public string? Language(string name = Lang)
    {
        var value = Text(name);
        if (value is not null && !RecordValidator.IsLanguageTag(value))
        {
            Errors.Add(new(null, name, "must be a BCP 47 language tag such as en, zh-CN or pt-BR"));
            return null;
        }

        return value;
    }

    public string? Choice(string name, IReadOnlySet<string> choices)
    {
        var value = Text(name);
        if (value is not null && !choices.Contains(value))
        {
            Errors.Add(new(null, name, $"must be one of: {string.Join(", ", choices)}"));
            return null;
        }

        return value;
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

    public int PageSizeOr(int fallback, int max)
    {
        if (Text(PageSize) is not { } text)
        {
            return fallback;
        }

        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value < 1 || value > max)
        {
            Errors.Add(new(null, PageSize, $"must be an integer from 1 to {max}"));
            return fallback;
        }

        return value;
    }

    /// <summary>The cursor's payload, or null (an error noted) when it is not one this route issued.</summary>
    public string? CursorOf(string kind)
    {
        if (Text(Cursor) is not { } text)
        {
            return null;
        }

        if (LifecycleCursor.TryDecode(text, kind) is { } payload)
        {
            return payload;
        }

        Errors.Add(new(null, Cursor, "is not a cursor this endpoint issued; pass next_cursor unchanged"));
        return null;
    }
}

/// <summary>Opaque keyset cursors (base64url of a kind and a position), so one route's cursor is refused by another.</summary>
public static class LifecycleCursor
{
    public static string Encode(string kind, string position) =>
        System.Buffers.Text.Base64Url.EncodeToString(System.Text.Encoding.UTF8.GetBytes($"{kind}.{position}"));

    public static string? TryDecode(string text, string kind)
    {
        if (text.Length > 512)
        {
            return null;
        }

        try
        {
            var plain = System.Text.Encoding.UTF8.GetString(System.Buffers.Text.Base64Url.DecodeFromChars(text));
            return plain.StartsWith(kind + ".", StringComparison.Ordinal) ? plain[(kind.Length + 1)..] : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
