using System.Text.Json;

namespace Persistence.Api.Ingest;

/// <summary>
/// How deep arrays and objects sit inside one another. MariaDB's JSON functions stop at 32 levels, so its JSON_VALID
/// check on a JSON column refuses a value with 32 nested containers: such a value would be accepted here and then
/// refused at every flush.
/// </summary>
public static class JsonNesting
{
    /// <summary>The deepest nesting of arrays and objects MariaDB stores in a JSON column.</summary>
    public const int MaxStored = 31;

    /// <summary>Containers on the deepest path: 0 for a scalar, 1 for <c>{}</c> or <c>{"a":1}</c>.</summary>
    public static int Depth(JsonElement element)
    {
        // The request body was read with the serializer's depth limit (64), which bounds this recursion.
        var deepest = 0;
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    deepest = Math.Max(deepest, Depth(property.Value));
                }

                return deepest + 1;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                {
                    deepest = Math.Max(deepest, Depth(item));
                }

                return deepest + 1;
            default:
                return 0;
        }
    }

    public static bool IsStorable(JsonElement element) => Depth(element) <= MaxStored;
}
