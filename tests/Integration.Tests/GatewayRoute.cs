using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using AppHost;

namespace Integration.Tests;

/// <summary>One route of the gateway's YARP configuration.</summary>
public sealed record GatewayRoute(string Name, string Path, IReadOnlyList<string>? Methods, string? Policy, int Order)
{
    public bool IsCatchAll => Path.Contains("{**", StringComparison.Ordinal);

    private int LiteralSegments => Path.Split('/').Count(s => !s.StartsWith('{'));

    public bool Matches(string method, string path)
    {
        if (Methods is { } methods && !methods.Contains(method, StringComparer.OrdinalIgnoreCase))
        {
            return false;
        }

        var template = Path.Trim('/').Split('/');
        var segments = path.Trim('/').Split('/');
        for (var i = 0; i < template.Length; i++)
        {
            var part = template[i];
            if (part.StartsWith("{**", StringComparison.Ordinal))
            {
                return true;
            }

            if (i >= segments.Length)
            {
                return false;
            }

            if (Regex.Match(part, @"^\{[^:}]+:regex\((.*)\)\}$") is { Success: true } constrained)
            {
                if (!Regex.IsMatch(segments[i], constrained.Groups[1].Value))
                {
                    return false;
                }
            }
            else if (!part.StartsWith('{') && !string.Equals(part, segments[i], StringComparison.OrdinalIgnoreCase))
            {
                return false;
            }
        }

        return template.Length == segments.Length;
    }

    /// <summary>The gateway's routes as shipped (Gateway/appsettings.json), in the order the router prefers them.</summary>
    public static IReadOnlyList<GatewayRoute> Load()
    {
        var settings = JsonNode.Parse(File.ReadAllText(System.IO.Path.Combine(BuildOutput.RepositoryRoot, "Gateway", "appsettings.json")))!;
        return
        [
            .. settings["ReverseProxy"]!["Routes"]!.AsObject()
                .Select(r => new GatewayRoute(
                    r.Key,
                    r.Value!["Match"]![nameof(Path)]!.GetValue<string>(),
                    r.Value["Match"]![nameof(Methods)]?.AsArray().Select(m => m!.GetValue<string>()).ToList(),
                    r.Value["AuthorizationPolicy"]?.GetValue<string>(),
                    r.Value[nameof(Order)]?.GetValue<int>() ?? 0))
                .OrderBy(r => r.Order)
                .ThenBy(r => r.IsCatchAll)
                .ThenByDescending(r => r.LiteralSegments),
        ];
    }

    /// <summary>The route ASP.NET routing would pick for the request (a close enough model of its precedence).</summary>
    public static GatewayRoute? For(IReadOnlyList<GatewayRoute> routes, string method, string path) =>
        routes.FirstOrDefault(r => r.Matches(method, path));
}
