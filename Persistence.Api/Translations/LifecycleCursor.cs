using Persistence.Api.Http;
using Persistence.Contracts;

namespace Persistence.Api.Translations;

/// <summary>Opaque keyset cursors (base64url of a kind and a position), so one route's cursor is refused by another.</summary>
public static class LifecycleCursor
{
    /// <summary>The cursor's payload, or null (a problem noted) when it is not one this route issued.</summary>
    public static string? Read(QueryReader query, string kind)
    {
        if (query.Text(QueryParameters.Cursor) is not { } text)
        {
            return null;
        }

        if (TryDecode(text, kind) is { } payload)
        {
            return payload;
        }

        query.Errors.Add(new(null, QueryParameters.Cursor, "is not a cursor this endpoint issued; pass next_cursor unchanged"));
        return null;
    }

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
