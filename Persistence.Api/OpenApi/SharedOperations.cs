using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Persistence.Api.OpenApi;

/// <summary>Endpoint metadata: this route is a second, equally valid spelling of the operation at <see cref="Path"/>.</summary>
public sealed record SameOperationAs(string Path);

/// <summary>
/// Documents a route with two spellings as one operation: the path item moves to <c>components/pathItems</c> and
/// both paths refer to it (OpenAPI 3.1), so clients and linters see one operation id, not two copies that could drift.
/// </summary>
public sealed class SharedOperations : IOpenApiDocumentTransformer
{
    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        // The second spellings are excluded from the description groups, so they are found among all endpoints.
        var aliases = context.ApplicationServices.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .Select(e => (Path: "/" + e.RoutePattern.RawText!.TrimStart('/'), Target: e.Metadata.GetMetadata<SameOperationAs>()))
            .Where(a => a.Target is not null)
            .ToList();
        foreach (var group in aliases.GroupBy(a => a.Target!.Path))
        {
            if (document.Paths.GetValueOrDefault(group.Key) is not OpenApiPathItem item)
            {
                throw new InvalidOperationException($"{string.Join(", ", group.Select(a => a.Path))} name {group.Key} as their operation, which is not documented.");
            }

            var name = string.Join('-', group.Key.Trim('/').Split('/').Skip(2));
            document.Components ??= new OpenApiComponents();
            document.Components.PathItems ??= new Dictionary<string, IOpenApiPathItem>();
            document.Components.PathItems[name] = item;
            document.Paths[group.Key] = new OpenApiPathItemReference(name, document);
            foreach (var alias in group)
            {
                document.Paths[alias.Path] = new OpenApiPathItemReference(name, document);
            }
        }

        return Task.CompletedTask;
    }
}

public static class SharedOperationExtensions
{
    /// <summary>Another spelling of the operation at <paramref name="path"/>: documented there, on both paths.</summary>
    public static RouteHandlerBuilder SameOperationAs(this RouteHandlerBuilder builder, string path) =>
        builder.WithMetadata(new SameOperationAs(path)).ExcludeFromDescription();
}
