using System.Buffers.Text;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;

namespace Persistence.Api.Queries;

/// <summary>
/// Where the next keyset page starts: the sort key of the last row served and its id, which breaks ties. Clients
/// treat it as opaque (base64url); inside it also names the sort order it belongs to, so a cursor presented with a
/// different <c>sort</c> or <c>order</c> is refused instead of silently skipping or repeating rows.
/// </summary>
public sealed record PageCursor(PageOrder Order, long Value, string Id)
{
    private const string Version = "1";

    /// <summary>The last microsecond a DATETIME(6) holds (9999-12-31 23:59:59.999999); ids start at the epoch.</summary>
    private static readonly long LastValue = ToValue(new DateTime(9999, 12, 31, 23, 59, 59, DateTimeKind.Utc).AddTicks(9_999_990));

    public string Encode() =>
        Base64Url.EncodeToString(Encoding.UTF8.GetBytes(string.Create(
            CultureInfo.InvariantCulture, $"{Version}.{Order.Code}.{Value}.{Id}")));

    public static bool TryDecode(string? text, [NotNullWhen(true)] out PageCursor? cursor)
    {
        cursor = null;
        if (string.IsNullOrEmpty(text) || text.Length > 512)
        {
            return false;
        }

        string plain;
        try
        {
            plain = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(text));
        }
        catch (FormatException)
        {
            return false;
        }

        // The id comes last and may itself contain dots.
        var parts = plain.Split('.', 4);
        if (parts.Length != 4 || parts[0] != Version || !PageOrder.TryFromCode(parts[1], out var order)
            || !long.TryParse(parts[2], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value)
            // A forged value past what the column holds would fail the conversion to a DATETIME parameter.
            || value < 0 || value > LastValue
            || parts[3].Length is 0 or > 64)
        {
            return false;
        }

        cursor = new PageCursor(order, value, parts[3]);
        return true;
    }

    /// <summary>Microseconds since the Unix epoch: the exact resolution of a DATETIME(6) column.</summary>
    public static long ToValue(DateTime utc) => (utc.Ticks - DateTime.UnixEpoch.Ticks) / 10;

    public static DateTime ToDateTime(long value) => new(DateTime.UnixEpoch.Ticks + (value * 10), DateTimeKind.Utc);
}

/// <summary>A sort key and direction; <see cref="Code"/> is what a cursor stores.</summary>
public sealed record PageOrder(string Key, bool Descending)
{
    public static readonly PageOrder TaskIdAscending = new("task_id", false);

    public string Code => Key switch
    {
        "created_at" => "c",
        "updated_at" => "u",
        _ => "t",
    } + (Descending ? "d" : "a");

    public static bool TryFromCode(string code, [NotNullWhen(true)] out PageOrder? order)
    {
        order = null;
        if (code.Length != 2 || code[1] is not ('a' or 'd'))
        {
            return false;
        }

        var key = code[0] switch
        {
            'c' => "created_at",
            'u' => "updated_at",
            't' => "task_id",
            _ => null,
        };
        if (key is null)
        {
            return false;
        }

        order = new PageOrder(key, code[1] == 'd');
        return true;
    }
}
