using System.Text;

namespace Persistence.Api.Queries;

/// <summary>
/// JSON columns as read back, made safe to answer with. MariaDB's JSON check accepts an escaped surrogate without its
/// pair (<c>"\ud800"</c>), which no .NET string, UTF-8 writer or client can represent: answering with such a row
/// threw and made the read a 500. Rows stored before the edge refused such text are read with each lone surrogate
/// escape turned into U+FFFD, the replacement character, and everything else left as stored.
/// </summary>
public static class StoredJson
{
    private const string Replacement = "\\ufffd";

    public static string Readable(string json)
    {
        // Almost every row has no surrogate escape at all: no copy then.
        if (json.IndexOf("\\u", StringComparison.Ordinal) < 0 && !HasSurrogateChar(json))
        {
            return json;
        }

        StringBuilder? repaired = null;
        var copiedUpTo = 0;
        for (var i = 0; i < json.Length; i++)
        {
            var c = json[i];
            if (char.IsSurrogate(c))
            {
                if (char.IsHighSurrogate(c) && i + 1 < json.Length && char.IsLowSurrogate(json[i + 1]))
                {
                    i++;
                    continue;
                }

                Replace(ref repaired, json, ref copiedUpTo, i, 1, "\uFFFD");
                continue;
            }

            if (c != '\\' || i + 1 >= json.Length)
            {
                continue;
            }

            // Outside strings valid JSON has no backslash, so every one starts an escape of two or six characters.
            if (json[i + 1] != 'u' || !TryUnit(json, i, out var unit))
            {
                i++;
                continue;
            }

            if (char.IsHighSurrogate(unit) && TryUnit(json, i + 6, out var next) && char.IsLowSurrogate(next))
            {
                i += 11;
            }
            else if (char.IsSurrogate(unit))
            {
                Replace(ref repaired, json, ref copiedUpTo, i, 6, Replacement);
                i += 5;
            }
            else
            {
                i += 5;
            }
        }

        return repaired is null ? json : repaired.Append(json, copiedUpTo, json.Length - copiedUpTo).ToString();
    }

    private static bool HasSurrogateChar(string json)
    {
        foreach (var c in json)
        {
            if (char.IsSurrogate(c))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The UTF-16 unit of a <c>\uXXXX</c> escape starting at <paramref name="at"/>.</summary>
    private static bool TryUnit(string json, int at, out char unit)
    {
        unit = default;
        if (at + 6 > json.Length || json[at] != '\\' || json[at + 1] != 'u'
            || !ushort.TryParse(json.AsSpan(at + 2, 4), System.Globalization.NumberStyles.AllowHexSpecifier, null, out var value))
        {
            return false;
        }

        unit = (char)value;
        return true;
    }

    private static void Replace(ref StringBuilder? repaired, string json, ref int copiedUpTo, int at, int length, string with)
    {
        repaired ??= new StringBuilder(json.Length);
        repaired.Append(json, copiedUpTo, at - copiedUpTo).Append(with);
        copiedUpTo = at + length;
    }
}
