using System.Text.Json.Nodes;

namespace Integration.Tests;

/// <summary>One operation of the OpenAPI document: its method, path template, the scope it states and its body.</summary>
public sealed record DocumentedOperation(string Method, string Path, string? Scope, bool HasBody, bool Deprecated)
{
    /// <summary>The path with every parameter filled with a value of the shape it takes.</summary>
    public string SamplePath => System.Text.RegularExpressions.Regex.Replace(Path, "{([^}]+)}", match => match.Groups[1].Value switch
    {
        "job_id" => new string('0', 32),
        "id" => "1-0",
        "business_id" => "openapi/probe",
        _ => "openapi-probe",
    });

    /// <summary>Every operation of <paramref name="document"/>, paths that refer to a shared path item included.</summary>
    public static IReadOnlyList<DocumentedOperation> All(JsonNode document)
    {
        var operations = new List<DocumentedOperation>();
        foreach (var (path, item) in document["paths"]!.AsObject())
        {
            var resolved = item!["$ref"] is { } reference ? Resolve(document, reference.GetValue<string>()) : item;
            foreach (var (method, operation) in resolved.AsObject())
            {
                var scope = operation!["security"]?.AsArray().FirstOrDefault()?.AsObject().First().Value?.AsArray().FirstOrDefault()?.GetValue<string>();
                operations.Add(new(method.ToUpperInvariant(), path, scope, operation["requestBody"] is not null, operation["deprecated"]?.GetValue<bool>() == true));
            }
        }

        return operations;
    }

    private static JsonNode Resolve(JsonNode document, string reference)
    {
        Assert.StartsWith("#/", reference);
        var node = document;
        foreach (var part in reference[2..].Split('/'))
        {
            node = node[part.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal)]
                ?? throw new InvalidOperationException($"{reference} does not resolve.");
        }

        return node;
    }
}
