using System.Text.Json;

namespace Integration.Tests;

/// <summary>
/// The tables a PostgreSQL plan reads, from <c>EXPLAIN (FORMAT JSON)</c>: every node of the tree (its "Plans" children
/// included) that names a relation, with the indexes it reads through.
/// </summary>
public static class PostgresPlan
{
    public static IReadOnlyList<TableRead> Reads(string explained)
    {
        using var document = JsonDocument.Parse(explained);
        var reads = new List<TableRead>();
        Walk(document.RootElement[0].GetProperty("Plan"), reads);
        return reads;
    }

    private static void Walk(JsonElement node, List<TableRead> reads)
    {
        var type = node.GetProperty("Node Type").GetString()!;
        // ModifyTable names the table a DELETE writes; the rows it deletes come from the scans below it.
        if (type != "ModifyTable" && node.TryGetProperty("Relation Name", out var relation))
        {
            IReadOnlyList<string> indexes = type == "Bitmap Heap Scan" ? [.. BitmapIndexes(node)]
                : node.TryGetProperty("Index Name", out var index) ? [Key(index.GetString()!)]
                : [];
            reads.Add(new TableRead(relation.GetString()!, type, indexes, type == "Seq Scan", $"rows={node.GetProperty("Plan Rows")}"));
        }

        foreach (var child in Children(node))
        {
            Walk(child, reads);
        }
    }

    /// <summary>A bitmap heap scan fetches the rows its Bitmap Index Scans (under a BitmapAnd or BitmapOr) marked.</summary>
    private static IEnumerable<string> BitmapIndexes(JsonElement node) =>
        Children(node).SelectMany(child => child.GetProperty("Node Type").GetString() == "Bitmap Index Scan"
            ? [Key(child.GetProperty("Index Name").GetString()!)]
            : BitmapIndexes(child));

    private static JsonElement[] Children(JsonElement node) =>
        node.TryGetProperty("Plans", out var children) ? [.. children.EnumerateArray()] : [];

    /// <summary>PostgreSQL names a primary key's index after its table (translation_tasks_pkey); MariaDB calls each one PRIMARY.</summary>
    private static string Key(string index) => index.EndsWith("_pkey", StringComparison.Ordinal) ? "PRIMARY" : index;
}
