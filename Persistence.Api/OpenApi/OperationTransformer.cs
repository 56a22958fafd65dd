using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Persistence.Api.Http;

namespace Persistence.Api.OpenApi;

/// <summary>
/// Completes each operation from its endpoint metadata: the query parameters it accepts (exactly those), the scope it
/// needs, whether it is a deprecated spelling, and the answers the gateway gives for every route with their headers.
/// </summary>
public sealed class OperationTransformer(QueryParameterCatalog catalog) : IOpenApiOperationTransformer
{
    public async Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var metadata = context.Description.ActionDescriptor.EndpointMetadata;
        var route = "/" + (context.Description.RelativePath ?? "");
        var document = context.Document!;

        var accepted = metadata.OfType<AcceptedQuery>().LastOrDefault();
        DescribeQuery(operation, accepted, route);

        if (metadata.OfType<RequiredScope>().LastOrDefault() is { } scope)
        {
            operation.Security =
            [
                new() { [new OpenApiSecuritySchemeReference(DocumentTransformer.ApiKeyScheme, document)] = [scope.Scope] },
                new() { [new OpenApiSecuritySchemeReference(DocumentTransformer.BearerScheme, document)] = [scope.Scope] },
            ];
            operation.Description = Join(operation.Description, $"Needs a key with the `{scope.Scope}` scope.");
        }

        var deprecated = metadata.OfType<DeprecatedAlias>().LastOrDefault();
        if (deprecated is not null)
        {
            operation.Deprecated = true;
            operation.Summary = "Deprecated: " + operation.Summary;
            operation.Description = Join(operation.Description, $"Deprecated spelling of `{deprecated.Successor}`, kept for v1; every answer carries `Deprecation` and a `Link` to the successor.");
        }

        var problem = await SchemaAsync<ProblemBody>(context, cancellationToken);
        operation.Responses ??= [];
        AddProblem(operation, StatusCodes.Status401Unauthorized, "No API key, or one that is unknown, revoked or expired (`WWW-Authenticate` names both forms).", problem);
        AddProblem(operation, StatusCodes.Status403Forbidden, "The key lacks the scope this route needs.", problem);
        AddProblem(operation, StatusCodes.Status429TooManyRequests, "The key's request or record budget is used up, it has as many uploads in flight as it may, or this address failed to authenticate too often. Wait for `Retry-After`.", problem);
        AddProblem(operation, StatusCodes.Status503ServiceUnavailable, "Temporarily unavailable: backlog over its high-water mark, Redis or MySQL unreachable, no healthy replica, or the rate limiter down. Send the same request again after `Retry-After`.", problem);

        var reads = accepted?.Names.Contains(Queries.ReadRequests.ConsistencyParameter) == true;
        if (reads)
        {
            AddProblem(operation, StatusCodes.Status504GatewayTimeout, "consistency=strong waited on the flush barrier and it did not complete in time; read with consistency=eventual or retry.", problem);
        }

        foreach (var (status, response) in operation.Responses)
        {
            if (response is not OpenApiResponse concrete)
            {
                continue;
            }

            if (Explanations.TryGetValue(status, out var explanation))
            {
                concrete.Description = explanation;
            }

            concrete.Headers ??= new Dictionary<string, IOpenApiHeader>();
            var code = int.Parse(status, CultureInfo.InvariantCulture);
            if (code is StatusCodes.Status429TooManyRequests or StatusCodes.Status503ServiceUnavailable)
            {
                concrete.Headers[DocumentTransformer.RetryAfterHeader] = new OpenApiHeaderReference(DocumentTransformer.RetryAfterHeader, document);
            }

            if (code is (>= 200 and < 300) or StatusCodes.Status429TooManyRequests)
            {
                foreach (var header in DocumentTransformer.RateLimitHeaders)
                {
                    concrete.Headers[header] = new OpenApiHeaderReference(header, document);
                }
            }

            if (reads && code is >= 200 and < 300)
            {
                foreach (var header in DocumentTransformer.ConsistencyHeaders)
                {
                    concrete.Headers[header] = new OpenApiHeaderReference(header, document);
                }
            }

            if (deprecated is not null || accepted?.DeprecatedNames.Count > 0)
            {
                concrete.Headers[Deprecation.HeaderName] = new OpenApiHeaderReference(Deprecation.HeaderName, document);
            }

            if (deprecated is not null)
            {
                concrete.Headers["Link"] = new OpenApiHeaderReference("Link", document);
            }
        }
    }

    // The generator names a status only by its reason phrase; these say when this API gives it.
    private static readonly Dictionary<string, string> Explanations = new(StringComparer.Ordinal)
    {
        ["400"] = "Invalid request: `errors` lists every problem, each with its item `index` (null for the request as a whole or a query parameter), `field` and `message`; nothing was accepted.",
        ["404"] = "No such resource (or it is still on its way from the queue).",
        ["409"] = "The resource is not in a state that allows this.",
        ["413"] = "The body passes the byte limit, or the batch the item limit; split it.",
        ["504"] = "The flush barrier did not complete in time; `remaining` says how much was still uncommitted.",
    };

    private void DescribeQuery(OpenApiOperation operation, AcceptedQuery? accepted, string route)
    {
        // Replaced, not merged: handlers that parse the query themselves bind nothing the generator could see, and
        // the metadata is what the filter enforces, so it is the one true list.
        var kept = (operation.Parameters ?? []).Where(p => p.In != ParameterLocation.Query).ToList();
        foreach (var name in accepted?.AllNames ?? [])
        {
            var doc = catalog.Describe(name, route)
                ?? throw new InvalidOperationException($"Query parameter '{name}' of {route} has no entry in {nameof(QueryParameterCatalog)}.");
            var deprecated = accepted!.DeprecatedNames.ContainsKey(name);
            kept.Add(new OpenApiParameter
            {
                Name = name,
                In = ParameterLocation.Query,
                Description = deprecated ? $"{doc.Description} Answers carry a `Deprecation` header." : doc.Description,
                Deprecated = deprecated,
                Schema = new OpenApiSchema
                {
                    Type = doc.Type == "integer" ? JsonSchemaType.Integer : JsonSchemaType.String,
                    Format = doc.Format,
                    Minimum = doc.Minimum?.ToString(CultureInfo.InvariantCulture),
                    Maximum = doc.Maximum?.ToString(CultureInfo.InvariantCulture),
                    Default = doc.Default is { } d ? JsonValue.Create(d) : null,
                    Enum = doc.Choices?.Select(c => (JsonNode)JsonValue.Create(c)!).ToList(),
                },
                Example = doc.Example is { } e ? JsonValue.Create(e) : null,
            });
        }

        operation.Parameters = kept;
        if (accepted is not null)
        {
            operation.Description = Join(operation.Description, accepted.Names.Count == 0
                ? "Takes no query parameters; any is refused with 400."
                : "Any other query parameter is refused with 400.");
        }
    }

    private static void AddProblem(OpenApiOperation operation, int status, string description, IOpenApiSchema schema)
    {
        var key = status.ToString(CultureInfo.InvariantCulture);
        if (operation.Responses!.ContainsKey(key))
        {
            return;
        }

        operation.Responses[key] = new OpenApiResponse
        {
            Description = description,
            Content = new Dictionary<string, OpenApiMediaType> { ["application/problem+json"] = new() { Schema = schema } },
        };
    }

    private static async Task<IOpenApiSchema> SchemaAsync<T>(OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var schema = await context.GetOrCreateSchemaAsync(typeof(T), null, cancellationToken);
        var id = typeof(T).Name;
        context.Document!.AddComponent(id, schema);
        return new OpenApiSchemaReference(id, context.Document);
    }

    private static string Join(string? first, string second) => string.IsNullOrEmpty(first) ? second : first + "\n\n" + second;
}
